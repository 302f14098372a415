"""Settings, all from the environment (README lists every variable with its default), split by
concern. `DJANGO_SETTINGS_MODULE=firstask.settings` loads this package, which gathers every setting
of its modules; a module imports at its top what it needs from another (most from base).

- base: environment, paths, secret key, apps, middleware, templates, languages, e-mail, logging
- database: PostgreSQL (and any further database or router), the cache
- storage: static files and media (and any other storage backend)
- security: HTTPS, sessions and cookies, passwords, sign-in throttles, CSP, data-protection keys
- celery: the broker, worker limits and the whole beat schedule in one table
- domain: the product's own rules by app (working hours, numbering, time limits)
- features: optional integrations (REST API, webhooks, SMS, LDAP, OpenID Connect, metrics)

Each setting is defined in exactly one module, and no module changes another's: the order of the
imports below does not matter.
"""

from .base import *
from .celery import *
from .database import *
from .domain import *
from .features import *
from .security import *
from .storage import *
