"""The settled work's tokens (`SettledWork`) and, on PostgreSQL, the triggers that replace them.

Statement triggers with transition tables: one call per statement, whatever the number of rows (a report, an
admin edit, a bulk update, COPY), each reading only the rows the statement wrote. A write to open work that
leaves it open touches nothing; a completion, a reopening, a cancellation or any write to settled work replaces
the token of its deadline's year; a change to how tasks sum (their directive, commitment or themes) or to a
directive's or commitment's label replaces year 0's. TRUNCATE replaces every token.
"""

from django.db import migrations, models

SETTLED = "('completed', 'cancelled')"
YEARS = "SELECT extract(year FROM deadline)::integer FROM {rows} WHERE status IN " + SETTLED

INSTALL = [
    # New random tokens for the given years (each once, in order, so that two writers lock rows alike).
    """
    CREATE OR REPLACE FUNCTION tracker_settled_touch(years integer[]) RETURNS void LANGUAGE sql AS $$
        INSERT INTO tracker_settledwork (year, token)
        SELECT year, gen_random_uuid() FROM (SELECT DISTINCT unnest(years) AS year) AS touched
        WHERE year IS NOT NULL ORDER BY year
        ON CONFLICT (year) DO UPDATE SET token = EXCLUDED.token
    $$
    """,
    f"""
    CREATE OR REPLACE FUNCTION tracker_assignment_settled() RETURNS trigger LANGUAGE plpgsql AS $$
    DECLARE
        years integer[];
    BEGIN
        IF TG_OP = 'INSERT' THEN
            years := ARRAY({YEARS.format(rows="new_rows")});
        ELSIF TG_OP = 'DELETE' THEN
            years := ARRAY({YEARS.format(rows="old_rows")});
        ELSE
            years := ARRAY({YEARS.format(rows="old_rows")} UNION {YEARS.format(rows="new_rows")});
        END IF;
        IF cardinality(years) > 0 THEN
            PERFORM tracker_settled_touch(years);
        END IF;
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION tracker_settled_structure() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        PERFORM tracker_settled_touch(ARRAY[0]);
        RETURN NULL;
    END
    $$
    """,
    """
    CREATE OR REPLACE FUNCTION tracker_settled_everything() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
        UPDATE tracker_settledwork SET token = gen_random_uuid();
        PERFORM tracker_settled_touch(ARRAY[0]);
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
    """CREATE TRIGGER tracker_task_settled AFTER UPDATE OF directive_id, commitment_id OR DELETE OR TRUNCATE
       ON tracker_task FOR EACH STATEMENT EXECUTE FUNCTION tracker_settled_structure()""",
    """CREATE TRIGGER tracker_task_themes_settled AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE
       ON tracker_task_themes FOR EACH STATEMENT EXECUTE FUNCTION tracker_settled_structure()""",
    """CREATE TRIGGER tracker_directive_settled AFTER UPDATE OF title, number, issued_on OR DELETE OR TRUNCATE
       ON tracker_directive FOR EACH STATEMENT EXECUTE FUNCTION tracker_settled_structure()""",
    """CREATE TRIGGER tracker_commitment_settled AFTER UPDATE OF title, partners, signed_on OR DELETE OR TRUNCATE
       ON tracker_commitment FOR EACH STATEMENT EXECUTE FUNCTION tracker_settled_structure()""",
    # The work already settled when this is installed.
    f"SELECT tracker_settled_touch(ARRAY(SELECT 0 UNION {YEARS.format(rows='tracker_assignment')}))",
]

UNINSTALL = [
    *[
        f"DROP TRIGGER IF EXISTS {name} ON {table}"
        for name, table in (
            ("tracker_assignment_settled_insert", "tracker_assignment"),
            ("tracker_assignment_settled_update", "tracker_assignment"),
            ("tracker_assignment_settled_delete", "tracker_assignment"),
            ("tracker_assignment_settled_truncate", "tracker_assignment"),
            ("tracker_task_settled", "tracker_task"),
            ("tracker_task_themes_settled", "tracker_task_themes"),
            ("tracker_directive_settled", "tracker_directive"),
            ("tracker_commitment_settled", "tracker_commitment"),
        )
    ],
    "DROP FUNCTION IF EXISTS tracker_assignment_settled()",
    "DROP FUNCTION IF EXISTS tracker_settled_structure()",
    "DROP FUNCTION IF EXISTS tracker_settled_everything()",
    "DROP FUNCTION IF EXISTS tracker_settled_touch(integer[])",
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
                ('year', models.IntegerField(primary_key=True, serialize=False)),
                ('token', models.UUIDField()),
            ],
        ),
        migrations.RunPython(_run(INSTALL), _run(UNINSTALL)),
    ]
