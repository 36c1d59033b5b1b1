
# --- 18. CloudWatch: a metric's dimensions are a set ----------------------------------------------
# AWS matches a GetMetricData query to a metric by its set of dimensions, in whatever order either
# side names them. moto sorts both lists before comparing them, but its Dimension orders by
# `self.name < other.name and self.value < other.name` (a value against a name), so two
# dimensions are never ordered and the sort keeps each side's own order: a query naming
# TargetGroup before LoadBalancer finds nothing of a metric published the other way round. The
# fix orders dimensions by name, then value.

from moto.cloudwatch.models import Dimension


def _dimension_before(self, other):
    return (self.name or "", self.value or "") < (other.name or "", other.value or "")


Dimension.__lt__ = _dimension_before
