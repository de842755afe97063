"""The project's `dg` defs folder ([tool.dg.project] defs_module): Twilio instances declared as components.

Each `<folder>/defs.yaml` here declares one Twilio instance with the component type
`twilio_assets.components.TwilioInstance`; create one with

    dg scaffold defs twilio_assets.components.TwilioInstance twilio_prod

The code location (`twilio_assets.definitions`) reads these files next to the instances file, through
`twilio_assets.components.load_component_instances()`. Only YAML components of that type belong here;
the plain Dagster modules of the project live in `twilio_assets/defs/`.
"""
