"""The disclosure document (部门决算公开): its model and its assembly from a filing."""
