"""On PostgreSQL, reports and decided extension requests cannot be changed or deleted, even by SQL.

Corrections are new reports. An extension request may be updated while it is pending (the decision) and
its decision note may be edited afterwards; the decision itself never changes, and nothing is deleted.
"""

from django.db import migrations

FORWARD = """
CREATE OR REPLACE FUNCTION tracker_refuse_change() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION '% on % is not allowed: this history is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'integrity_constraint_violation';
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER tracker_report_append_only
    BEFORE UPDATE OR DELETE ON tracker_report
    FOR EACH ROW EXECUTE FUNCTION tracker_refuse_change();

CREATE TRIGGER tracker_reportattachment_append_only
    BEFORE UPDATE OR DELETE ON tracker_reportattachment
    FOR EACH ROW EXECUTE FUNCTION tracker_refuse_change();

CREATE OR REPLACE FUNCTION tracker_extension_decision_final() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        RAISE EXCEPTION 'DELETE on % is not allowed: this history is append-only', TG_TABLE_NAME
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    IF OLD.state <> 'pending' AND (
        NEW.state IS DISTINCT FROM OLD.state
        OR NEW.decided_by_id IS DISTINCT FROM OLD.decided_by_id
        OR NEW.decided_at IS DISTINCT FROM OLD.decided_at
        OR NEW.requested_deadline IS DISTINCT FROM OLD.requested_deadline
        OR NEW.current_deadline IS DISTINCT FROM OLD.current_deadline
        OR NEW.assignment_id IS DISTINCT FROM OLD.assignment_id
    ) THEN
        RAISE EXCEPTION 'a decided extension request cannot be changed'
            USING ERRCODE = 'integrity_constraint_violation';
    END IF;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;

CREATE TRIGGER tracker_extensionrequest_decision_final
    BEFORE UPDATE OR DELETE ON tracker_extensionrequest
    FOR EACH ROW EXECUTE FUNCTION tracker_extension_decision_final();
"""

BACKWARD = """
DROP TRIGGER IF EXISTS tracker_extensionrequest_decision_final ON tracker_extensionrequest;
DROP FUNCTION IF EXISTS tracker_extension_decision_final();
DROP TRIGGER IF EXISTS tracker_reportattachment_append_only ON tracker_reportattachment;
DROP TRIGGER IF EXISTS tracker_report_append_only ON tracker_report;
DROP FUNCTION IF EXISTS tracker_refuse_change();
"""


def forward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(FORWARD, params=None)


def backward(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(BACKWARD, params=None)


class Migration(migrations.Migration):
    dependencies = [("tracker", "0002_obstacle_causes")]
    operations = [migrations.RunPython(forward, backward)]
