"""Aliases belong to the branch that made them (issue 9).

An alias made before had no owner and applied to every import. Its maker is not recorded
on the row, so it goes to the root of its unit's tree: the one office whose branch holds
every unit, which now finds it listed, and can keep, move or remove it. Every alias keeps
naming a unit inside its owner's branch; imports of the root's plans read it as before,
imports of other units' plans stop reading it until their office records the name again.
"""

from django.db import migrations, models


def owner_is_the_root(apps, schema_editor):
    UnitAlias = apps.get_model("orgs", "UnitAlias")
    for alias in UnitAlias.objects.select_related("unit").iterator():
        root_id = int(alias.unit.path.strip("/").split("/")[0])
        UnitAlias.objects.filter(pk=alias.pk).update(owner_id=root_id)


class Migration(migrations.Migration):
    dependencies = [("orgs", "0004_unit_document_settings")]

    operations = [
        migrations.AddField(
            model_name="unitalias",
            name="owner",
            field=models.ForeignKey(
                null=True,
                on_delete=models.deletion.CASCADE,
                related_name="owned_aliases",
                to="orgs.unit",
                verbose_name="đơn vị khai báo",
            ),
        ),
        migrations.RunPython(owner_is_the_root, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="unitalias",
            name="owner",
            field=models.ForeignKey(
                on_delete=models.deletion.CASCADE,
                related_name="owned_aliases",
                to="orgs.unit",
                verbose_name="đơn vị khai báo",
            ),
        ),
        migrations.AlterField(
            model_name="unitalias",
            name="folded",
            field=models.CharField(editable=False, max_length=255),
        ),
        migrations.AlterModelOptions(
            name="unitalias",
            options={
                "ordering": ["owner__path", "folded"],
                "verbose_name": "tên gọi khác của đơn vị",
                "verbose_name_plural": "tên gọi khác của đơn vị",
            },
        ),
        migrations.AddConstraint(
            model_name="unitalias",
            constraint=models.UniqueConstraint(
                fields=("owner", "folded"), name="unit_alias_unique"
            ),
        ),
    ]
