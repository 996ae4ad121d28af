"""The settled work's tokens (`SettledWork`) and, on PostgreSQL, the triggers that replace them.

Statement triggers with transition tables: one call per statement, whatever the number of rows (a report, an
admin edit, a bulk update, COPY), each reading only the rows the statement wrote. Tokens are replaced:
- "deadline:YYYY-MM": by a write to an assignment that is or was completed or cancelled, with a deadline in that
  month (a completion, a reopening, a cancellation, an edit); a write to open work that leaves it open touches none;
- "structure": by a change to how tasks sum (their directive, commitment or themes) or to a directive's or a
  commitment's label;
- "reports": by a report filed with a time more than 30 days ago (an import, not the portal), or on cancelled work,
  and by an assignment that enters or leaves "cancelled" or moves to another mission or task (the reports the
  trend counts in closed months, and those it leaves out);
- all of them by TRUNCATE.
"""

from django.db import migrations, models

SETTLED = "('completed', 'cancelled')"
MONTHS = "SELECT 'deadline:' || to_char(deadline, 'YYYY-MM') FROM {rows} WHERE status IN " + SETTLED
# An assignment that entered or left "cancelled", or moved to another mission or task.
MOVED = (
    "SELECT 'reports' FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.status = 'cancelled') <> "
    "(n.status = 'cancelled') OR o.mission_id <> n.mission_id OR o.task_id <> n.task_id"
)

INSTALL = [
    # New random tokens for the given names (each once, in order, so that two writers lock rows alike).
    """
    CREATE OR REPLACE FUNCTION tracker_settled_touch(names text[]) RETURNS void LANGUAGE sql AS $$
        INSERT INTO tracker_settledwork (name, token)
        SELECT name, gen_random_uuid() FROM (SELECT DISTINCT unnest(names) AS name) AS touched
        WHERE name IS NOT NULL ORDER BY name
        ON CONFLICT (name) DO UPDATE SET token = EXCLUDED.token
    $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION tracker_assignment_settled() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        names text[];
    BEGIN
        IF TG_OP = 'INSERT' THEN
            names := ARRAY({MONTHS.format(rows="new_rows")});
        ELSIF TG_OP = 'DELETE' THEN
            names := ARRAY({MONTHS.format(rows="old_rows")});
        ELSE
            names := ARRAY({MONTHS.format(rows="old_rows")} UNION {MONTHS.format(rows="new_rows")} UNION {MOVED});
        END IF;
        IF cardinality(names) > 0 THEN
            PERFORM tracker_settled_touch(names);
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION tracker_settled_structure() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM tracker_settled_touch(ARRAY['structure']);
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION tracker_report_settled() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        IF EXISTS (SELECT 1 FROM new_rows WHERE created_at < now() - interval '30 days')
            OR EXISTS (
                SELECT 1 FROM new_rows r JOIN tracker_assignment a ON a.id = r.assignment_id
                WHERE a.status = 'cancelled'
            )
        THEN
            PERFORM tracker_settled_touch(ARRAY['reports']);
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION tracker_settled_everything() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE tracker_settledwork SET token = gen_random_uuid();
        PERFORM tracker_settled_touch(ARRAY['structure', 'reports']);
        RETURN NULL;
    END
    $$
    """,
    """CREATE TRIGGER tracker_assignment_settled_insert AFTER INSERT ON tracker_assignment
       REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tracker_assignment_settled()""",
    """CREATE TRIGGER tracker_assignment_settled_update AFTER UPDATE ON tracker_assignment
       REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
       FOR EACH STATEMENT EXECUTE FUNCTION tracker_assignment_settled()""",
    """CREATE TRIGGER tracker_assignment_settled_delete AFTER DELETE ON tracker_assignment
       REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION tracker_assignment_settled()""",
    """CREATE TRIGGER tracker_assignment_settled_truncate AFTER TRUNCATE ON tracker_assignment
       FOR EACH STATEMENT EXECUTE FUNCTION tracker_settled_everything()""",
    """CREATE TRIGGER tracker_report_settled_insert AFTER INSERT ON tracker_report
       REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION tracker_report_settled()""",
    """CREATE TRIGGER tracker_report_settled_truncate AFTER TRUNCATE ON tracker_report
       FOR EACH STATEMENT EXECUTE FUNCTION tracker_settled_everything()""",
    """CREATE TRIGGER tracker_task_settled AFTER UPDATE OF directive_id, commitment_id OR DELETE OR TRUNCATE
       ON tracker_task FOR EACH STATEMENT EXECUTE FUNCTION tracker_settled_structure()""",
    """CREATE TRIGGER tracker_task_themes_settled AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
       ON tracker_task_themes FOR EACH STATEMENT EXECUTE FUNCTION tracker_settled_structure()""",
    """CREATE TRIGGER tracker_directive_settled AFTER UPDATE OF title, number, issued_on OR DELETE OR TRUNCATE
       ON tracker_directive FOR EACH STATEMENT EXECUTE FUNCTION tracker_settled_structure()""",
    """CREATE TRIGGER tracker_commitment_settled AFTER UPDATE OF title, partners, signed_on OR DELETE OR TRUNCATE
       ON tracker_commitment FOR EACH STATEMENT EXECUTE FUNCTION tracker_settled_structure()""",
    # The work already settled when this is installed.
    f"SELECT tracker_settled_touch(ARRAY(SELECT 'structure' UNION SELECT 'reports' UNION "
    f"{MONTHS.format(rows='tracker_assignment')}))",
]

UNINSTALL = [
    *[
        f"DROP TRIGGER IF EXISTS {name} ON {table}"
        for name, table in (
            ("tracker_assignment_settled_insert", "tracker_assignment"),
            ("tracker_assignment_settled_update", "tracker_assignment"),
            ("tracker_assignment_settled_delete", "tracker_assignment"),
            ("tracker_assignment_settled_truncate", "tracker_assignment"),
            ("tracker_report_settled_insert", "tracker_report"),
            ("tracker_report_settled_truncate", "tracker_report"),
            ("tracker_task_settled", "tracker_task"),
            ("tracker_task_themes_settled", "tracker_task_themes"),
            ("tracker_directive_settled", "tracker_directive"),
            ("tracker_commitment_settled", "tracker_commitment"),
        )
    ],
    "DROP FUNCTION IF EXISTS tracker_assignment_settled()",
    "DROP FUNCTION IF EXISTS tracker_settled_structure()",
    "DROP FUNCTION IF EXISTS tracker_report_settled()",
    "DROP FUNCTION IF EXISTS tracker_settled_everything()",
    "DROP FUNCTION IF EXISTS tracker_settled_touch(text[])",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return  # elsewhere the dashboard counts settled work afresh each time
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):

    dependencies = [
        ('tracker', '0010_data_version'),
    ]

    operations = [
        migrations.CreateModel(
            name='SettledWork',
            fields=[
                ('name', models.CharField(max_length=40, primary_key=True, serialize=False)),
                ('token', models.UUIDField()),
            ],
        ),
        migrations.RunPython(_run(INSTALL), _run(UNINSTALL)),
    ]
