# Examples for `semgrep --test .semgrep` (weasyprint.yaml); never imported or run.
import weasyprint
from weasyprint import CSS, HTML, URLFetcher


def examples(html, base):
    # ruleid: weasyprint-without-url-fetcher
    HTML(string=html, base_url=base).write_pdf()
    # ruleid: weasyprint-without-url-fetcher
    weasyprint.HTML(string=html).write_pdf()
    # ruleid: weasyprint-without-url-fetcher
    CSS(string="@page { size: A4 }")
    # ruleid: weasyprint-unrestricted-fetcher
    fetcher = URLFetcher(fail_on_errors=False)
    # ok: weasyprint-without-url-fetcher
    HTML(string=html, base_url=base, url_fetcher=fetcher).write_pdf()
    # ok: weasyprint-unrestricted-fetcher
    restricted = URLFetcher(allowed_protocols=("data",), fail_on_errors=False)
    # ok: weasyprint-without-url-fetcher
    CSS(string="@page { size: A4 }", url_fetcher=restricted)
    # ruleid: weasyprint-unrestricted-fetcher
    return HTML(string=html, url_fetcher=weasyprint.urls.default_url_fetcher)
