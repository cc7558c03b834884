"""The public directory as Open Referral UK / Human Services Data Specification (HSDS) 3.0.

`objects` turns a provider profile into HSDS objects, `taxonomy` is the product's own taxonomy,
`selectors` reads the directory for the feed, `api` serves it under /api/openreferral/.
"""

from .objects import contact_id, location_id, service_at_location_id, service_id

__all__ = ["contact_id", "location_id", "service_at_location_id", "service_id"]
