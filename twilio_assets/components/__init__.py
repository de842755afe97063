"""Twilio instances as Dagster components: the `TwilioInstance` component type and the loader that turns
the defs folder's defs.yaml files into instances for the code location and the dbt sources.

    dg scaffold defs twilio_assets.components.TwilioInstance twilio_prod
"""

from .loader import (
    COMPONENT_TYPE,
    COMPONENTS_DIR_ENV,
    DEFAULT_COMPONENTS_DIR,
    DEFS_MODULE,
    components_dir,
    load_component_instances,
    load_settings_with_components,
)
from .twilio_instance import TwilioInstance

__all__ = [
    "COMPONENT_TYPE",
    "COMPONENTS_DIR_ENV",
    "DEFAULT_COMPONENTS_DIR",
    "DEFS_MODULE",
    "TwilioInstance",
    "components_dir",
    "load_component_instances",
    "load_settings_with_components",
]
