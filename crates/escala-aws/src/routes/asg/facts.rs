//! What the route needs to know from the region before it can be planned: that the instance type
//! is offered there, and which image to boot (the latest Amazon Linux 2023 for the type's
//! architecture, or the Spec's own AMI, which must exist in this region).

use escala_core::routes::asg::{AsgRule, AsgSpec, LATEST_AMI};
use escala_core::validate::ValidationErrors;
use escala_core::CoreError;

use crate::context::AwsContext;
use crate::sdk::{api_error, SdkResultExt};
use crate::AwsError;

/// The image the launch template boots.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Facts {
    pub image_id: String,
}

/// Looks the instance type and image up; a missing one is a validation error naming its field.
pub async fn look_up(ctx: &AwsContext, asg: &AsgSpec) -> Result<Facts, AwsError> {
    let arch = architecture(ctx, &asg.instance_type).await?;
    let image_id = if asg.ami == LATEST_AMI {
        let name = format!("/aws/service/ami-amazon-linux-latest/al2023-ami-kernel-default-{arch}");
        let out = ctx
            .ssm
            .get_parameter()
            .name(&name)
            .send()
            .await
            .map_err(|e| api_error("ssm:GetParameter", e))?;
        out.parameter()
            .and_then(|p| p.value())
            .map(str::to_string)
            .ok_or_else(|| AwsError::Invalid(format!("{name} has no value in {}", ctx.region)))?
    } else {
        check_image(ctx, &asg.ami, &arch).await?;
        asg.ami.clone()
    };
    Ok(Facts { image_id })
}

fn invalid(rule: AsgRule, field: &str, message: String) -> AwsError {
    AwsError::Core(CoreError::Validation(ValidationErrors::one(
        rule,
        format!("route.asg.{field}"),
        message,
    )))
}

/// The type's architecture as AMIs name it (`x86_64`, `arm64`).
async fn architecture(ctx: &AwsContext, instance_type: &str) -> Result<String, AwsError> {
    let out = ctx
        .ec2
        .describe_instance_types()
        .instance_types(instance_type.into())
        .send()
        .await
        .task();
    let unknown = || {
        invalid(
            AsgRule::InstanceType,
            "instanceType",
            format!(
                "'{instance_type}' is not an instance type offered in {}",
                ctx.region
            ),
        )
    };
    match out {
        Err(e) if e.code.starts_with("InvalidInstanceType") => Err(unknown()),
        Err(e) => Err(AwsError::api("ec2:DescribeInstanceTypes", e)),
        Ok(out) => {
            let info = out.instance_types().first().ok_or_else(unknown)?;
            let archs = info
                .processor_info()
                .map(|p| p.supported_architectures())
                .unwrap_or_default();
            Ok(if archs.iter().any(|a| a.as_str() == "arm64") {
                "arm64".into()
            } else {
                "x86_64".into()
            })
        }
    }
}

/// An AMI belongs to one region: an id from another one is "not found" here.
async fn check_image(ctx: &AwsContext, ami: &str, arch: &str) -> Result<(), AwsError> {
    let out = ctx.ec2.describe_images().image_ids(ami).send().await.task();
    let missing = || {
        invalid(
            AsgRule::AmiId,
            "ami",
            format!("{ami} does not exist in {} (an AMI belongs to one region: copy it here, or use 'latest')", ctx.region),
        )
    };
    let image = match out {
        Err(e) if e.code.starts_with("InvalidAMIID") => return Err(missing()),
        Err(e) => return Err(AwsError::api("ec2:DescribeImages", e)),
        Ok(out) => out.images().first().cloned().ok_or_else(missing)?,
    };
    match image.architecture().map(|a| a.as_str()) {
        Some(a) if a != arch => Err(invalid(
            AsgRule::AmiId,
            "ami",
            format!(
                "{ami} is an {a} image and the instance type runs {arch}: pick a matching pair"
            ),
        )),
        _ => Ok(()),
    }
}
