import django.core.validators
import django.db.models.deletion
import django.db.models.expressions
import simple_history.models
from django.conf import settings
from django.db import migrations, models


def credit_ranges_exclusive(apps, schema_editor):
    """On PostgreSQL with btree_gist, two retired ranges of one serial block cannot overlap in the
    table itself (the retirement service checks it under a row lock on every database). Without the
    extension, or the right to create it, the service's check stands alone."""
    if schema_editor.connection.vendor != "postgresql":
        return
    from django.db import DatabaseError, transaction

    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'btree_gist'")
        if cursor.fetchone() is None:
            try:
                with transaction.atomic(using=schema_editor.connection.alias):
                    cursor.execute("CREATE EXTENSION IF NOT EXISTS btree_gist")
            except DatabaseError:
                return
        cursor.execute(
            "ALTER TABLE accounting_carboncredit ADD CONSTRAINT carbon_credit_serials_do_not_overlap "
            "EXCLUDE USING gist (block_id WITH =, int8range(serial_start, serial_end, '[]') WITH &&)"
        )


def credit_ranges_exclusive_drop(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            "ALTER TABLE accounting_carboncredit DROP CONSTRAINT IF EXISTS carbon_credit_serials_do_not_overlap"
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounting", "0005_footprints"),
        ("sites", "0003_site_shifts"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name="NeutralityPeriod",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "year",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1990),
                            django.core.validators.MaxValueValidator(2100),
                        ],
                        verbose_name="year",
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("inventory", "GHG inventory of the year (ISO 14064-1)"),
                            ("entered", "Entered, with its source"),
                        ],
                        max_length=30,
                        verbose_name="footprint source",
                    ),
                ),
                (
                    "scope2_basis",
                    models.CharField(
                        blank=True,
                        choices=[("location", "Scope 2 location-based"), ("market", "Scope 2 market-based")],
                        max_length=10,
                        verbose_name="scope 2 basis",
                    ),
                ),
                (
                    "footprint_tco2e",
                    models.DecimalField(decimal_places=6, max_digits=18, verbose_name="footprint (tCO2e)"),
                ),
                ("source_note", models.CharField(max_length=500, verbose_name="source of the footprint")),
                (
                    "removals_tco2e",
                    models.DecimalField(
                        decimal_places=6,
                        default=0,
                        max_digits=18,
                        verbose_name="removals within the boundary (tCO2e)",
                    ),
                ),
                (
                    "removals_note",
                    models.CharField(
                        blank=True, max_length=500, verbose_name="how the removals were quantified"
                    ),
                ),
            ],
            options={
                "verbose_name": "neutrality period",
                "verbose_name_plural": "neutrality periods",
                "ordering": ["programme", "year"],
            },
        ),
        migrations.CreateModel(
            name="CreditSerialBlock",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "registry",
                    models.CharField(
                        choices=[
                            ("verra", "Verra (VCS)"),
                            ("gold_standard", "Gold Standard"),
                            ("ccer", "China CCER"),
                            ("puro", "Puro.earth"),
                            ("acr", "American Carbon Registry"),
                            ("car", "Climate Action Reserve"),
                            ("other", "Other registry"),
                        ],
                        max_length=20,
                        verbose_name="registry",
                    ),
                ),
                ("prefix", models.CharField(max_length=200, verbose_name="serial prefix")),
            ],
            options={
                "verbose_name": "serial block",
                "verbose_name_plural": "serial blocks",
                "constraints": [
                    models.UniqueConstraint(fields=("registry", "prefix"), name="credit_serial_block_unique")
                ],
            },
        ),
        migrations.CreateModel(
            name="HistoricalNeutralityProgramme",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                ("reference", models.CharField(db_index=True, max_length=40, verbose_name="reference")),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                (
                    "subject",
                    models.CharField(
                        choices=[("organisation", "The organisation"), ("product", "A product")],
                        default="organisation",
                        max_length=20,
                        verbose_name="subject",
                    ),
                ),
                (
                    "product_name",
                    models.CharField(
                        blank=True,
                        help_text="Only for a product's programme.",
                        max_length=200,
                        verbose_name="product",
                    ),
                ),
                (
                    "boundary",
                    models.TextField(
                        help_text="What the subject includes and leaves out.", verbose_name="boundary"
                    ),
                ),
                (
                    "base_year",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1990),
                            django.core.validators.MaxValueValidator(2100),
                        ],
                        verbose_name="base period (year)",
                    ),
                ),
                ("target_date", models.DateField(verbose_name="target date")),
                (
                    "offsetting_strategy",
                    models.TextField(
                        blank=True,
                        help_text="Which credits, from which registries and of which kind, for the residual emissions.",
                        verbose_name="offsetting strategy",
                    ),
                ),
                (
                    "formerly_pas_2060",
                    models.BooleanField(
                        default=False,
                        help_text="PAS 2060 is withdrawn; the programme now follows ISO 14068-1:2023.",
                        verbose_name="began under PAS 2060",
                    ),
                ),
                ("version", models.PositiveIntegerField(default=1, verbose_name="version")),
                ("created_at", models.DateTimeField(blank=True, editable=False, verbose_name="created at")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="sites.organisation",
                        verbose_name="organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical carbon-neutrality programme",
                "verbose_name_plural": "historical carbon-neutrality programmes",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="NeutralityClaim",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("achieved", "Carbon neutrality achieved"),
                            ("committed", "Committed to carbon neutrality"),
                        ],
                        max_length=10,
                        verbose_name="claim",
                    ),
                ),
                (
                    "verification",
                    models.CharField(
                        choices=[
                            ("self", "Self-declaration"),
                            ("second_party", "Second-party validation"),
                            ("third_party", "Independent third-party verification"),
                        ],
                        max_length=20,
                        verbose_name="verification",
                    ),
                ),
                ("verifier", models.CharField(blank=True, max_length=200, verbose_name="verifier")),
                ("statement", models.TextField(verbose_name="statement")),
                (
                    "status",
                    models.CharField(
                        choices=[("draft", "Draft"), ("made", "Made"), ("withdrawn", "Withdrawn")],
                        default="draft",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("made_at", models.DateTimeField(blank=True, null=True, verbose_name="made at")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                (
                    "made_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "period",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="claims",
                        to="accounting.neutralityperiod",
                        verbose_name="period",
                    ),
                ),
            ],
            options={
                "verbose_name": "carbon-neutrality claim",
                "verbose_name_plural": "carbon-neutrality claims",
                "ordering": ["programme", "period__year", "pk"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalClaimRequirement",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                ("title", models.CharField(max_length=300, verbose_name="requirement")),
                (
                    "evidence_reference",
                    models.CharField(
                        blank=True,
                        help_text="The evidence register's reference, a document number or an address.",
                        max_length=500,
                        verbose_name="evidence",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "claim",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="accounting.neutralityclaim",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical claim requirement",
                "verbose_name_plural": "historical claim requirements",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="ClaimRequirement",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=300, verbose_name="requirement")),
                (
                    "evidence_reference",
                    models.CharField(
                        blank=True,
                        help_text="The evidence register's reference, a document number or an address.",
                        max_length=500,
                        verbose_name="evidence",
                    ),
                ),
                (
                    "claim",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="requirements",
                        to="accounting.neutralityclaim",
                    ),
                ),
            ],
            options={
                "verbose_name": "claim requirement",
                "verbose_name_plural": "claim requirements",
                "ordering": ["claim", "pk"],
            },
        ),
        migrations.CreateModel(
            name="NeutralityProgramme",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("reference", models.CharField(max_length=40, unique=True, verbose_name="reference")),
                ("title", models.CharField(max_length=200, verbose_name="title")),
                (
                    "subject",
                    models.CharField(
                        choices=[("organisation", "The organisation"), ("product", "A product")],
                        default="organisation",
                        max_length=20,
                        verbose_name="subject",
                    ),
                ),
                (
                    "product_name",
                    models.CharField(
                        blank=True,
                        help_text="Only for a product's programme.",
                        max_length=200,
                        verbose_name="product",
                    ),
                ),
                (
                    "boundary",
                    models.TextField(
                        help_text="What the subject includes and leaves out.", verbose_name="boundary"
                    ),
                ),
                (
                    "base_year",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1990),
                            django.core.validators.MaxValueValidator(2100),
                        ],
                        verbose_name="base period (year)",
                    ),
                ),
                ("target_date", models.DateField(verbose_name="target date")),
                (
                    "offsetting_strategy",
                    models.TextField(
                        blank=True,
                        help_text="Which credits, from which registries and of which kind, for the residual emissions.",
                        verbose_name="offsetting strategy",
                    ),
                ),
                (
                    "formerly_pas_2060",
                    models.BooleanField(
                        default=False,
                        help_text="PAS 2060 is withdrawn; the programme now follows ISO 14068-1:2023.",
                        verbose_name="began under PAS 2060",
                    ),
                ),
                ("version", models.PositiveIntegerField(default=1, verbose_name="version")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "organisation",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to="sites.organisation",
                        verbose_name="organisation",
                    ),
                ),
            ],
            options={
                "verbose_name": "carbon-neutrality programme",
                "verbose_name_plural": "carbon-neutrality programmes",
                "ordering": ["reference"],
            },
        ),
        migrations.AddField(
            model_name="neutralityperiod",
            name="programme",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="periods",
                to="accounting.neutralityprogramme",
            ),
        ),
        migrations.AddField(
            model_name="neutralityclaim",
            name="programme",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="claims",
                to="accounting.neutralityprogramme",
            ),
        ),
        migrations.CreateModel(
            name="HistoricalReductionTarget",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                ("description", models.CharField(max_length=300, verbose_name="description")),
                (
                    "target_year",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1990),
                            django.core.validators.MaxValueValidator(2100),
                        ],
                        verbose_name="target year",
                    ),
                ),
                (
                    "reduction_percent",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=6,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="reduction against the base period (%)",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "programme",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="accounting.neutralityprogramme",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical reduction target",
                "verbose_name_plural": "historical reduction targets",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalNeutralityPeriod",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                (
                    "year",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1990),
                            django.core.validators.MaxValueValidator(2100),
                        ],
                        verbose_name="year",
                    ),
                ),
                (
                    "source",
                    models.CharField(
                        choices=[
                            ("inventory", "GHG inventory of the year (ISO 14064-1)"),
                            ("entered", "Entered, with its source"),
                        ],
                        max_length=30,
                        verbose_name="footprint source",
                    ),
                ),
                (
                    "scope2_basis",
                    models.CharField(
                        blank=True,
                        choices=[("location", "Scope 2 location-based"), ("market", "Scope 2 market-based")],
                        max_length=10,
                        verbose_name="scope 2 basis",
                    ),
                ),
                (
                    "footprint_tco2e",
                    models.DecimalField(decimal_places=6, max_digits=18, verbose_name="footprint (tCO2e)"),
                ),
                ("source_note", models.CharField(max_length=500, verbose_name="source of the footprint")),
                (
                    "removals_tco2e",
                    models.DecimalField(
                        decimal_places=6,
                        default=0,
                        max_digits=18,
                        verbose_name="removals within the boundary (tCO2e)",
                    ),
                ),
                (
                    "removals_note",
                    models.CharField(
                        blank=True, max_length=500, verbose_name="how the removals were quantified"
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "programme",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="accounting.neutralityprogramme",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical neutrality period",
                "verbose_name_plural": "historical neutrality periods",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalNeutralityClaim",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[
                            ("achieved", "Carbon neutrality achieved"),
                            ("committed", "Committed to carbon neutrality"),
                        ],
                        max_length=10,
                        verbose_name="claim",
                    ),
                ),
                (
                    "verification",
                    models.CharField(
                        choices=[
                            ("self", "Self-declaration"),
                            ("second_party", "Second-party validation"),
                            ("third_party", "Independent third-party verification"),
                        ],
                        max_length=20,
                        verbose_name="verification",
                    ),
                ),
                ("verifier", models.CharField(blank=True, max_length=200, verbose_name="verifier")),
                ("statement", models.TextField(verbose_name="statement")),
                (
                    "status",
                    models.CharField(
                        choices=[("draft", "Draft"), ("made", "Made"), ("withdrawn", "Withdrawn")],
                        default="draft",
                        max_length=10,
                        verbose_name="status",
                    ),
                ),
                ("made_at", models.DateTimeField(blank=True, null=True, verbose_name="made at")),
                ("created_at", models.DateTimeField(blank=True, editable=False, verbose_name="created at")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "made_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "period",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="accounting.neutralityperiod",
                        verbose_name="period",
                    ),
                ),
                (
                    "programme",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="accounting.neutralityprogramme",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical carbon-neutrality claim",
                "verbose_name_plural": "historical carbon-neutrality claims",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalCarbonCredit",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                (
                    "registry",
                    models.CharField(
                        choices=[
                            ("verra", "Verra (VCS)"),
                            ("gold_standard", "Gold Standard"),
                            ("ccer", "China CCER"),
                            ("puro", "Puro.earth"),
                            ("acr", "American Carbon Registry"),
                            ("car", "Climate Action Reserve"),
                            ("other", "Other registry"),
                        ],
                        max_length=20,
                        verbose_name="registry",
                    ),
                ),
                ("project", models.CharField(max_length=300, verbose_name="project")),
                (
                    "standard",
                    models.CharField(
                        help_text="For example VCS VM0042, or CCER-14-001.",
                        max_length=200,
                        verbose_name="standard or methodology",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("reduction", "Emission reduction"), ("removal", "Removal")],
                        max_length=10,
                        verbose_name="reduction or removal",
                    ),
                ),
                (
                    "vintage",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1990),
                            django.core.validators.MaxValueValidator(2100),
                        ],
                        verbose_name="vintage",
                    ),
                ),
                ("serial_start", models.PositiveBigIntegerField(verbose_name="first serial")),
                ("serial_end", models.PositiveBigIntegerField(verbose_name="last serial")),
                ("quantity_tco2e", models.PositiveBigIntegerField(verbose_name="quantity (tCO2e)")),
                ("retired_on", models.DateField(verbose_name="retirement date")),
                (
                    "quality_criteria",
                    models.JSONField(blank=True, default=list, verbose_name="quality criteria met"),
                ),
                (
                    "evidence_reference",
                    models.CharField(
                        help_text="The registry's retirement statement: its number or address.",
                        max_length=500,
                        verbose_name="retirement evidence",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=500, verbose_name="note")),
                ("created_at", models.DateTimeField(blank=True, editable=False, verbose_name="created at")),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "block",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="accounting.creditserialblock",
                    ),
                ),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "period",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="accounting.neutralityperiod",
                        verbose_name="period",
                    ),
                ),
                (
                    "programme",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="accounting.neutralityprogramme",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical retired carbon credits",
                "verbose_name_plural": "historical retired carbon credits",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="CarbonCredit",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "registry",
                    models.CharField(
                        choices=[
                            ("verra", "Verra (VCS)"),
                            ("gold_standard", "Gold Standard"),
                            ("ccer", "China CCER"),
                            ("puro", "Puro.earth"),
                            ("acr", "American Carbon Registry"),
                            ("car", "Climate Action Reserve"),
                            ("other", "Other registry"),
                        ],
                        max_length=20,
                        verbose_name="registry",
                    ),
                ),
                ("project", models.CharField(max_length=300, verbose_name="project")),
                (
                    "standard",
                    models.CharField(
                        help_text="For example VCS VM0042, or CCER-14-001.",
                        max_length=200,
                        verbose_name="standard or methodology",
                    ),
                ),
                (
                    "kind",
                    models.CharField(
                        choices=[("reduction", "Emission reduction"), ("removal", "Removal")],
                        max_length=10,
                        verbose_name="reduction or removal",
                    ),
                ),
                (
                    "vintage",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1990),
                            django.core.validators.MaxValueValidator(2100),
                        ],
                        verbose_name="vintage",
                    ),
                ),
                ("serial_start", models.PositiveBigIntegerField(verbose_name="first serial")),
                ("serial_end", models.PositiveBigIntegerField(verbose_name="last serial")),
                ("quantity_tco2e", models.PositiveBigIntegerField(verbose_name="quantity (tCO2e)")),
                ("retired_on", models.DateField(verbose_name="retirement date")),
                (
                    "quality_criteria",
                    models.JSONField(blank=True, default=list, verbose_name="quality criteria met"),
                ),
                (
                    "evidence_reference",
                    models.CharField(
                        help_text="The registry's retirement statement: its number or address.",
                        max_length=500,
                        verbose_name="retirement evidence",
                    ),
                ),
                ("note", models.CharField(blank=True, max_length=500, verbose_name="note")),
                ("created_at", models.DateTimeField(auto_now_add=True, verbose_name="created at")),
                (
                    "created_by",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "block",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="credits",
                        to="accounting.creditserialblock",
                    ),
                ),
                (
                    "period",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="credits",
                        to="accounting.neutralityperiod",
                        verbose_name="period",
                    ),
                ),
                (
                    "programme",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="credits",
                        to="accounting.neutralityprogramme",
                    ),
                ),
            ],
            options={
                "verbose_name": "retired carbon credits",
                "verbose_name_plural": "retired carbon credits",
                "ordering": ["programme", "retired_on", "pk"],
            },
        ),
        migrations.CreateModel(
            name="ReductionTarget",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("description", models.CharField(max_length=300, verbose_name="description")),
                (
                    "target_year",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1990),
                            django.core.validators.MaxValueValidator(2100),
                        ],
                        verbose_name="target year",
                    ),
                ),
                (
                    "reduction_percent",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=6,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="reduction against the base period (%)",
                    ),
                ),
                (
                    "programme",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="targets",
                        to="accounting.neutralityprogramme",
                    ),
                ),
            ],
            options={
                "verbose_name": "reduction target",
                "verbose_name_plural": "reduction targets",
                "ordering": ["programme", "target_year", "pk"],
            },
        ),
        migrations.CreateModel(
            name="ReductionMilestone",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "year",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1990),
                            django.core.validators.MaxValueValidator(2100),
                        ],
                        verbose_name="year",
                    ),
                ),
                (
                    "reduction_percent",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=6,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="reduction against the base period (%)",
                    ),
                ),
                (
                    "target",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="milestones",
                        to="accounting.reductiontarget",
                    ),
                ),
            ],
            options={
                "verbose_name": "milestone",
                "verbose_name_plural": "milestones",
                "ordering": ["target", "year"],
            },
        ),
        migrations.CreateModel(
            name="NeutralityAction",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("title", models.CharField(max_length=300, verbose_name="action")),
                ("start_date", models.DateField(verbose_name="start")),
                ("due_date", models.DateField(verbose_name="due")),
                (
                    "expected_reduction_tco2e",
                    models.DecimalField(
                        blank=True,
                        decimal_places=6,
                        max_digits=18,
                        null=True,
                        verbose_name="expected reduction (tCO2e a year)",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("planned", "Planned"), ("in_progress", "In progress"), ("done", "Done")],
                        default="planned",
                        max_length=20,
                        verbose_name="status",
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="owner",
                    ),
                ),
                (
                    "programme",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="actions",
                        to="accounting.neutralityprogramme",
                    ),
                ),
                (
                    "target",
                    models.ForeignKey(
                        blank=True,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="actions",
                        to="accounting.reductiontarget",
                        verbose_name="target",
                    ),
                ),
            ],
            options={
                "verbose_name": "reduction action",
                "verbose_name_plural": "reduction actions",
                "ordering": ["programme", "due_date", "pk"],
            },
        ),
        migrations.CreateModel(
            name="HistoricalReductionMilestone",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                (
                    "year",
                    models.PositiveSmallIntegerField(
                        validators=[
                            django.core.validators.MinValueValidator(1990),
                            django.core.validators.MaxValueValidator(2100),
                        ],
                        verbose_name="year",
                    ),
                ),
                (
                    "reduction_percent",
                    models.DecimalField(
                        decimal_places=2,
                        max_digits=6,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(100),
                        ],
                        verbose_name="reduction against the base period (%)",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "target",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="accounting.reductiontarget",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical milestone",
                "verbose_name_plural": "historical milestones",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.CreateModel(
            name="HistoricalNeutralityAction",
            fields=[
                (
                    "id",
                    models.BigIntegerField(auto_created=True, blank=True, db_index=True, verbose_name="ID"),
                ),
                ("title", models.CharField(max_length=300, verbose_name="action")),
                ("start_date", models.DateField(verbose_name="start")),
                ("due_date", models.DateField(verbose_name="due")),
                (
                    "expected_reduction_tco2e",
                    models.DecimalField(
                        blank=True,
                        decimal_places=6,
                        max_digits=18,
                        null=True,
                        verbose_name="expected reduction (tCO2e a year)",
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[("planned", "Planned"), ("in_progress", "In progress"), ("done", "Done")],
                        default="planned",
                        max_length=20,
                        verbose_name="status",
                    ),
                ),
                ("history_id", models.AutoField(primary_key=True, serialize=False)),
                ("history_date", models.DateTimeField(db_index=True)),
                ("history_change_reason", models.CharField(max_length=100, null=True)),
                (
                    "history_type",
                    models.CharField(
                        choices=[("+", "Created"), ("~", "Changed"), ("-", "Deleted")], max_length=1
                    ),
                ),
                (
                    "history_user",
                    models.ForeignKey(
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "owner",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                        verbose_name="owner",
                    ),
                ),
                (
                    "programme",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="accounting.neutralityprogramme",
                    ),
                ),
                (
                    "target",
                    models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="accounting.reductiontarget",
                        verbose_name="target",
                    ),
                ),
            ],
            options={
                "verbose_name": "historical reduction action",
                "verbose_name_plural": "historical reduction actions",
                "ordering": ("-history_date", "-history_id"),
                "get_latest_by": ("history_date", "history_id"),
            },
            bases=(simple_history.models.HistoricalChanges, models.Model),
        ),
        migrations.AddConstraint(
            model_name="neutralityprogramme",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("subject", "product"), models.Q(("product_name", ""), _negated=True)),
                    models.Q(("subject", "organisation"), ("product_name", "")),
                    _connector="OR",
                ),
                name="neutrality_product_named_only_for_products",
            ),
        ),
        migrations.AddConstraint(
            model_name="neutralityperiod",
            constraint=models.UniqueConstraint(
                fields=("programme", "year"), name="neutrality_period_unique_year"
            ),
        ),
        migrations.AddConstraint(
            model_name="neutralityperiod",
            constraint=models.CheckConstraint(
                condition=models.Q(("footprint_tco2e__gte", 0)), name="neutrality_period_footprint"
            ),
        ),
        migrations.AddConstraint(
            model_name="neutralityperiod",
            constraint=models.CheckConstraint(
                condition=models.Q(("removals_tco2e__gte", 0)), name="neutrality_period_removals"
            ),
        ),
        migrations.AddConstraint(
            model_name="neutralityclaim",
            constraint=models.CheckConstraint(
                condition=models.Q(("status", "draft"), ("made_at__isnull", False), _connector="OR"),
                name="neutrality_claim_made_at",
            ),
        ),
        migrations.AddConstraint(
            model_name="carboncredit",
            constraint=models.CheckConstraint(
                condition=models.Q(("serial_end__gte", models.F("serial_start"))),
                name="carbon_credit_serials",
            ),
        ),
        migrations.AddConstraint(
            model_name="carboncredit",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    (
                        "quantity_tco2e",
                        django.db.models.expressions.CombinedExpression(
                            django.db.models.expressions.CombinedExpression(
                                models.F("serial_end"), "-", models.F("serial_start")
                            ),
                            "+",
                            models.Value(1),
                        ),
                    )
                ),
                name="carbon_credit_quantity_is_the_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="carboncredit",
            constraint=models.UniqueConstraint(
                fields=("block", "serial_start"), name="carbon_credit_unique_first_serial"
            ),
        ),
        migrations.AddConstraint(
            model_name="carboncredit",
            constraint=models.UniqueConstraint(
                fields=("block", "serial_end"), name="carbon_credit_unique_last_serial"
            ),
        ),
        migrations.AddConstraint(
            model_name="reductiontarget",
            constraint=models.CheckConstraint(
                condition=models.Q(("reduction_percent__gt", 0), ("reduction_percent__lte", 100)),
                name="reduction_target_percent_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="reductionmilestone",
            constraint=models.UniqueConstraint(
                fields=("target", "year"), name="reduction_milestone_unique_year"
            ),
        ),
        migrations.AddConstraint(
            model_name="reductionmilestone",
            constraint=models.CheckConstraint(
                condition=models.Q(("reduction_percent__gte", 0), ("reduction_percent__lte", 100)),
                name="reduction_milestone_percent_range",
            ),
        ),
        migrations.AddConstraint(
            model_name="neutralityaction",
            constraint=models.CheckConstraint(
                condition=models.Q(("due_date__gte", models.F("start_date"))), name="neutrality_action_dates"
            ),
        ),
        migrations.AddConstraint(
            model_name="neutralityaction",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    ("expected_reduction_tco2e__isnull", True),
                    ("expected_reduction_tco2e__gte", 0),
                    _connector="OR",
                ),
                name="neutrality_action_reduction_not_negative",
            ),
        ),
        migrations.RunPython(credit_ranges_exclusive, credit_ranges_exclusive_drop),
    ]
