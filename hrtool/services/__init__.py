"""Service layer: each function a view or command calls is one user action. It loads, calls domain
rules, writes the result and its audit events, and is decorated `@transaction`
(services/platform/unit_of_work.py): it commits once, after bringing every derived fact up to date
(services/platform/derived.py), or rolls back whole. Views and commands never commit."""
