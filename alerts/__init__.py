"""defwatch alert channels: stateless delivery of ``Alert`` values to email, Slack, webhooks.

Importing this package loads no channel implementation (``slack_sdk``, ``smtplib`` users);
``build_channel`` imports the one a config entry needs.
"""

from alerts.base import Alert, Channel, Official, Report, build_channel
from alerts.config import ChannelConfig, parse_channels
from alerts.errors import AlertError, ChannelConfigError, DeliveryError
from alerts.retry import backoff

__all__ = [
    "Alert",
    "AlertError",
    "Channel",
    "ChannelConfig",
    "ChannelConfigError",
    "DeliveryError",
    "Official",
    "Report",
    "backoff",
    "build_channel",
    "parse_channels",
]
