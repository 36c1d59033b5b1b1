"""The sandbox's AWS emulator: moto server, with two fixes Escala's flow needs. Each steps aside once
moto does the right thing itself.

1. moto 5.2 decodes the user data of CreateLaunchTemplate but stores that of
   CreateLaunchTemplateVersion as it arrives, and then fails with a 500 whenever the Auto Scaling
   group starts an instance from a second template version. The fix decodes it the same way.
2. With IAM checks on, moto names an action by the request's signing name, which for CloudWatch is
   `monitoring`, so a policy allowing `cloudwatch:DescribeAlarms` (AWS's real name) is denied. The
   fix names CloudWatch actions as AWS does.
"""

import sys

from moto.core.types import Base64EncodedString
from moto.ec2.models.launch_templates import LaunchTemplate
from moto.ec2.utils import parse_user_data
from moto.iam.access_control import IAMRequestBase
from moto.server import main

_create_version = LaunchTemplate.create_version


def create_version(self, data, description):
    user_data = data.get("UserData")
    if user_data is not None and not isinstance(user_data, Base64EncodedString):
        data = {**data, "UserData": parse_user_data(user_data)}
    return _create_version(self, data, description)


LaunchTemplate.create_version = create_version

_iam_request_init = IAMRequestBase.__init__


def iam_request_init(self, *args, **kwargs):
    _iam_request_init(self, *args, **kwargs)
    if self._action.startswith("monitoring:"):
        self._action = "cloudwatch:" + self._action.split(":", 1)[1]


IAMRequestBase.__init__ = iam_request_init

sys.exit(main(sys.argv[1:]))
