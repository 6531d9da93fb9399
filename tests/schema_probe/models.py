from django.db import models


class ProbeThing(models.Model):
    label = models.CharField(max_length=50)
    added_later = models.CharField(max_length=50, default="", blank=True)

    def __str__(self) -> str:
        return self.label
