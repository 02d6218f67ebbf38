"""Constants of the PowerSchool API (SIS_LAYOUTS.md, PowerSchool) and the source's defaults.

The defaults of the tunable settings are overridden in `.dlt/config.toml`, section
`[sources.powerschool]`, or the environment (`SOURCES__POWERSCHOOL__REQUEST_TIMEOUT=5`).
"""

from __future__ import annotations

# Endpoints, relative to the district's PowerSchool base URL
TOKEN_PATH = "oauth/access_token"
METADATA_PATH = "ws/v1/metadata"
QUERY_PATH = "ws/schema/query/{name}"
COUNT_PATH = "ws/schema/query/{name}/count"

# Response fields
MAX_PAGE_SIZE_FIELD = "schema_table_query_max_page_size"  # under "metadata"
RECORDS_FIELD = "record"  # a page's records; missing or empty past the end
COUNT_FIELD = "count"

# Paging: 1-based page numbers, `page` and `pagesize` query parameters
FIRST_PAGE = 1
PAGE_PARAM = "page"
PAGE_SIZE_PARAM = "pagesize"
DEFAULT_PAGE_SIZE = 100  # when the metadata names no maximum

# A token is renewed this long before the `expires_in` the server gave (seconds, at most a
# tenth of its life), so a page is not sent with a token about to lapse.
TOKEN_EXPIRY_MARGIN = 30.0

# Tunable defaults (.dlt/config.toml [sources.powerschool] overrides them)
REQUEST_TIMEOUT = 60.0  # seconds to connect and between bytes of one answer
MAX_ATTEMPTS = 6  # tries of one request (429, 5xx, timeouts, dropped connections)
BACKOFF_FACTOR = 1.0  # exponential backoff multiplier between tries (seconds)
MAX_RETRY_DELAY = 60.0  # longest wait between two tries, a Retry-After included
DATASET_SECONDS = 900.0  # the whole of one dataset (count and every page) must end within it
