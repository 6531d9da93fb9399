from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [("schema_probe", "0001_initial")]
    operations = [
        migrations.AddField(
            model_name="probething",
            name="added_later",
            field=models.CharField(blank=True, default="", max_length=50),
        ),
    ]
