"""The sandbox's AWS emulator: moto server, with the fix Escala's rolling update needs.

moto 5.2 decodes the user data of CreateLaunchTemplate but stores that of CreateLaunchTemplateVersion
as it arrives, and then fails with a 500 whenever the Auto Scaling group starts an instance from a
second template version. The fix does what CreateLaunchTemplate does; once moto parses it itself, the
value arrives decoded and the fix steps aside.
"""

import sys

from moto.core.types import Base64EncodedString
from moto.ec2.models.launch_templates import LaunchTemplate
from moto.ec2.utils import parse_user_data
from moto.server import main

_create_version = LaunchTemplate.create_version


def create_version(self, data, description):
    user_data = data.get("UserData")
    if user_data is not None and not isinstance(user_data, Base64EncodedString):
        data = {**data, "UserData": parse_user_data(user_data)}
    return _create_version(self, data, description)


LaunchTemplate.create_version = create_version

sys.exit(main(sys.argv[1:]))
