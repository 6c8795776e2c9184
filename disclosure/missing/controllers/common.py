"""What the missing-person pages share: an upload's multipart body, the form after a file too large."""

from __future__ import annotations

from typing import Annotated, Any

from litestar import Request
from litestar.enums import RequestEncodingType
from litestar.params import Body

from disclosure.web import FormState

Multipart = Annotated[dict[str, Any], Body(media_type=RequestEncodingType.MULTI_PART)]


def _too_large(request: Request[Any, Any, Any]) -> FormState:
    """The upload form again after a file over the limit was refused unread (see `app.handle_exception`)."""
    if request.query_params.get("error") == "too-large":
        limit = request.app.state.settings.max_upload_mb
        return FormState({}, {"file": f"The selected file must be smaller than {limit} MB"})
    return FormState.empty()
