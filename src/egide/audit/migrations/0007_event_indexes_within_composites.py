import django.db.models.deletion
from django.db import migrations, models

# The indexes of content_type and organisation alone: audit_record_history and audit_organisation_log start with
# these columns and serve the same lookups, so each event written updates two indexes fewer. Only the indexes go:
# altering the fields in the database would drop and add their foreign keys again, checking every event.
INDEXES = {
    "audit_auditevent_content_type_id_cddb36fd": "content_type_id",
    "audit_auditevent_organisation_id_11de86af": "organisation_id",
}


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_organisation_iati_type"),
        ("audit", "0006_due_diligence_verbs"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="auditevent",
                    name="content_type",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="contenttypes.contenttype",
                        verbose_name="record type",
                    ),
                ),
                migrations.AlterField(
                    model_name="auditevent",
                    name="organisation",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="audit_events",
                        to="accounts.organisation",
                        verbose_name="owner organisation",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    sql=f'DROP INDEX IF EXISTS "{name}"',
                    reverse_sql=f'CREATE INDEX "{name}" ON "audit_auditevent" ("{column}")',
                )
                for name, column in INDEXES.items()
            ],
        )
    ]
