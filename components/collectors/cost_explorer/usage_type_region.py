"""Region of a Cost Explorer usage type, from its location prefix (`USE1-BoxUsage:m5.large`).

Cost Explorer allows two group-bys per request and Polo spends them on account/service and usage
type, so the region comes from the usage type itself. Usage types without a known prefix are
global or legacy us-east-1 ones; they get an empty region rather than a guess.
"""

from __future__ import annotations

_PREFIX_REGIONS: dict[str, str] = {
    "USE1": "us-east-1",
    "USE2": "us-east-2",
    "USW1": "us-west-1",
    "USW2": "us-west-2",
    "UGW1": "us-gov-west-1",
    "UGE1": "us-gov-east-1",
    "CAN1": "ca-central-1",
    "CAN2": "ca-west-1",
    "SAE1": "sa-east-1",
    "MXC1": "mx-central-1",
    "EU": "eu-west-1",
    "EUW1": "eu-west-1",
    "EUW2": "eu-west-2",
    "EUW3": "eu-west-3",
    "EUC1": "eu-central-1",
    "EUC2": "eu-central-2",
    "EUN1": "eu-north-1",
    "EUS1": "eu-south-1",
    "EUS2": "eu-south-2",
    "APN1": "ap-northeast-1",
    "APN2": "ap-northeast-2",
    "APN3": "ap-northeast-3",
    "APS1": "ap-southeast-1",
    "APS2": "ap-southeast-2",
    "APS3": "ap-south-1",
    "APS4": "ap-southeast-3",
    "APS5": "ap-south-2",
    "APS6": "ap-southeast-4",
    "APS7": "ap-southeast-5",
    "APE1": "ap-east-1",
    "MES1": "me-south-1",
    "MEC1": "me-central-1",
    "ILC1": "il-central-1",
    "AFS1": "af-south-1",
    "CNN1": "cn-north-1",
    "CNW1": "cn-northwest-1",
}


def region_of_usage_type(usage_type: str) -> str:
    """The AWS region a usage type was incurred in, or '' when the usage type names none.

    For inter-region transfer (`USE1-USW2-AWS-Out-Bytes`) the first prefix, the region the
    traffic leaves and is billed in, wins.
    """
    prefix, sep, _ = usage_type.partition("-")
    if not sep:
        return ""
    return _PREFIX_REGIONS.get(prefix, "")
