"""The API's routers, one module per resource (as Datasette has a view per page type):
`meta` (the dashboard page, /api, /api/config), `lists` (the list endpoints and their streams),
`details` (one claim, event, group, document), `aggregates` (facets, timeline, map) and
`documents` (the one write)."""
