"""Every kind of job, one module per subject. Each module registers its kinds with
`registry.kind`; importing this package registers them all."""
from . import checks, evaluations, harmonisation, imports, mail, pay  # noqa: F401
