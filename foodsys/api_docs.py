"""Swagger UI at /api/docs/ under the site's Content-Security-Policy: the split view (its init script is
a separate file, not inline), files from drf-spectacular-sidecar, and the template's one inline <style>
allowed by its hash rather than by 'unsafe-inline'."""

from csp.decorators import csp_update
from drf_spectacular.views import SpectacularSwaggerSplitView

# sha256 of the <style> block of drf_spectacular/swagger_ui.html; a test recomputes it (update on upgrade).
SWAGGER_UI_STYLE_HASH = "'sha256-MMpT0iDxyjALd9PdfepImGX3DBfJPXZ4IlDWdPAgtn0='"

swagger_ui_view = csp_update({"style-src": [SWAGGER_UI_STYLE_HASH]})(
    SpectacularSwaggerSplitView.as_view(url_name="schema"))
