"""The committee's starting list of obstacle causes; the committee edits it in the admin."""

from django.db import migrations

CAUSES = [
    ("partner-side", "Phía đối tác", "Partner side", 10),
    ("legal-framework", "Khung pháp lý", "Legal framework", 20),
    ("funding", "Kinh phí", "Funding", 30),
    ("domestic-coordination", "Phối hợp trong nước", "Coordination at home", 40),
    ("other", "Khác", "Other", 90),
]


def add_causes(apps, schema_editor):
    ObstacleCause = apps.get_model("tracker", "ObstacleCause")
    for code, name_vi, name_en, position in CAUSES:
        ObstacleCause.objects.get_or_create(
            code=code, defaults={"name_vi": name_vi, "name_en": name_en, "position": position}
        )


class Migration(migrations.Migration):
    dependencies = [("tracker", "0001_initial")]
    operations = [migrations.RunPython(add_causes, migrations.RunPython.noop)]
