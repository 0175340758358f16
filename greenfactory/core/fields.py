"""Model fields the project needs on both of its databases."""

from __future__ import annotations

import json
import math

from django.db import models
from django.utils.translation import gettext_lazy as _


class FloatListField(models.Field):
    """A list of floats in which None marks a missing value.

    PostgreSQL stores it as ``double precision[]`` (eight bytes a value, parsed by the server as
    floats; JSON would turn every value into a numeric), other databases as JSON text. Python sees
    a list either way.
    """

    description = _("List of floating-point numbers")

    def db_type(self, connection):
        return "double precision[]" if connection.vendor == "postgresql" else "text"

    def from_db_value(self, value, expression, connection):
        if value is None or isinstance(value, list):
            return value
        return json.loads(value)

    def to_python(self, value):
        if isinstance(value, str):
            return json.loads(value)
        return value

    def get_db_prep_value(self, value, connection, prepared=False):
        if value is None:
            return None
        values = [None if v is None or math.isnan(float(v)) else float(v) for v in value]
        if connection.vendor == "postgresql":
            return values
        return json.dumps(values)

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj))
