"""End to end: the real server (`python -m web`, waitress) on the session index, driven over
HTTP and by headless Chromium.

Set ORBITA_SCREENSHOTS=/some/folder to keep desktop (1280 px) and phone (375 px) screenshots of
the results page, and of the front page and a results page in Kazakh.
"""

from __future__ import annotations

import http.client
import json
import os
import re
import shutil
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import pytest
from conftest import SEED_ID, SEED_TITLE
from faultkit import Server
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import WebDriverWait

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--window-size=1280,900",
    "--accept-lang=ru",  # the interface follows the browser's languages: Russian here
]
QUERY = "космодроме байконур"


@pytest.fixture(scope="module")
def server(index_dir: Path, corpus_dir: Path, tmp_path_factory) -> Iterator[str]:
    """The production server in a subprocess; yields its base URL."""
    with Server(index_dir, corpus_dir, tmp_path_factory.mktemp("server") / "server.log") as srv:
        yield f"http://127.0.0.1:{srv.port}"


def _raw_get(base: str, path: str) -> http.client.HTTPResponse:
    """GET a path exactly as written (no client-side normalising of ../ or %2e)."""
    host, port = base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=10)
    conn.request("GET", path)
    response = conn.getresponse()
    response.body = response.read()  # type: ignore[attr-defined]
    conn.close()
    return response


# --- the real server over plain HTTP ---------------------------------------------------------


def test_real_server_answers_health_search_and_headers(server):
    health = _raw_get(server, "/healthz")
    assert health.status == 200 and json.loads(health.body)["status"] == "ok"
    r = _raw_get(server, "/api/search?q=%D0%91%D0%B0%D0%B9%D1%82%D0%B5%D1%80%D0%B5%D0%BA%D0%B0")
    assert r.status == 200
    assert json.loads(r.body)["hits"][0]["id"] == SEED_ID
    assert r.getheader("Server") == "orbita"  # no product or version
    assert r.getheader("Via") is None
    assert r.getheader("X-Frame-Options") == "DENY"
    assert "frame-ancestors 'none'" in r.getheader("Content-Security-Policy")


@pytest.mark.parametrize(
    "path",
    [
        "/doc/../../pyproject.toml",
        "/doc/..%2f..%2fpyproject.toml",
        "/doc/%2e%2e%2f%2e%2e%2fpyproject.toml",
        "/doc/%2e%2e/%2e%2e/etc/passwd",
        "/doc//etc/passwd",
        "/doc/..%5c..%5cpyproject.toml",
        "/doc/mdai-kz%2fbaikonur-talks-baiterek.txt%00",
        "/api/doc/..%2f..%2fpyproject.toml",
    ],
)
def test_real_server_refuses_path_tricks(server, path):
    r = _raw_get(server, path)
    assert r.status == 404
    assert b"[project]" not in r.body and b"root:" not in r.body


def test_real_server_errors_are_russian_without_tracebacks(server):
    r = _raw_get(server, "/nope")
    assert r.status == 404 and "Такой страницы нет.".encode() in r.body
    r = _raw_get(server, "/api/search?q=%D0%B0&page=x")
    assert r.status == 400 and json.loads(r.body)["error"]["code"] == "bad_page"


def test_real_server_serves_concurrent_searches(server):
    queries = ["Байтерека", "космодрома Байконур", "привлечении инвестиций", "ракета", "Artemis"]
    paths = [f"/api/search?q={quote(q)}" for q in queries] * 8

    def status(path: str) -> int:
        return _raw_get(server, path).status

    with ThreadPoolExecutor(max_workers=8) as pool:
        assert set(pool.map(status, paths, timeout=60)) == {200}


# --- headless Chromium -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser(tmp_path_factory) -> Iterator[webdriver.Chrome]:
    binary = next(
        (p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p),
        None,
    )
    driver_path = shutil.which("chromedriver")
    if binary is None or driver_path is None:
        pytest.skip(
            "headless browser test needs Chromium and chromedriver on PATH "
            "(Debian: apt-get install chromium chromium-driver)"
        )
    options = Options()
    options.binary_location = binary
    for flag in CHROMIUM_FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    options.add_experimental_option("prefs", {"intl.accept_languages": "ru"})
    driver = webdriver.Chrome(options=options, service=Service(executable_path=driver_path))
    driver.set_page_load_timeout(30)
    try:
        yield driver
    finally:
        driver.quit()


def _console_problems(driver: webdriver.Chrome) -> list[str]:
    return [e["message"] for e in driver.get_log("browser") if e["level"] in ("SEVERE", "WARNING")]


def test_browser_search_finds_the_seed_with_marked_words(server, browser):
    browser.get(server + "/")
    box = browser.find_element(By.NAME, "q")
    assert browser.switch_to.active_element == box  # autofocus
    box.send_keys(QUERY, Keys.ENTER)
    WebDriverWait(browser, 15).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".found")))

    assert "q=" in browser.current_url
    assert browser.find_element(By.NAME, "q").get_attribute("value") == QUERY
    first = browser.find_element(By.CSS_SELECTOR, "ol.hits li.hit h2 a")
    assert first.text == SEED_TITLE
    marks = [m.text for m in first.find_elements(By.TAG_NAME, "mark")]
    assert marks == ["космодроме", "Байконур"]
    # The stylesheet loaded under the CSP: marks are painted.
    assert first.find_element(By.TAG_NAME, "mark").value_of_css_property(
        "background-color"
    ) == "rgba(255, 229, 138, 1)"
    assert browser.find_element(By.CSS_SELECTOR, ".found").text.startswith("Найдено: ")

    _screenshots(browser, "results")

    first.click()
    WebDriverWait(browser, 15).until(ec.presence_of_element_located((By.TAG_NAME, "article")))
    assert browser.find_element(By.CSS_SELECTOR, "article h1").text == SEED_TITLE
    assert len(browser.find_elements(By.CSS_SELECTOR, "article mark")) >= 5
    browser.find_element(By.CSS_SELECTOR, "nav.back a").click()
    WebDriverWait(browser, 15).until(ec.presence_of_element_located((By.CSS_SELECTOR, ".found")))
    assert browser.find_element(By.NAME, "q").get_attribute("value") == QUERY
    assert not _console_problems(browser)


@pytest.mark.parametrize("width", [375, 390])
def test_browser_pages_fit_a_phone_screen(server, browser, width):
    try:
        browser.set_window_size(width, 844)
        for path in ("/?q=Байконур", f"/doc/{SEED_ID}?q=Байконур", "/", "/?ui=kk",
                     "/?q=Байконур&ui=kk", "/?q=Байконур&ui=en&sort=date"):
            browser.get(server + path)
            overflow = browser.execute_script(
                "return document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, path
    finally:
        browser.set_window_size(1280, 900)
        browser.delete_all_cookies()  # ?ui= is remembered


def test_browser_timeline_bars_narrow_the_search_to_their_month(server, browser):
    browser.get(server + "/?q=" + quote("Байконур"))
    total = _found_count(browser)
    bars = browser.find_elements(By.CSS_SELECTOR, "figure.timeline svg a.bar")
    assert len(bars) >= 2
    counts = {b.get_attribute("data-period"): int(b.get_attribute("data-count")) for b in bars}
    undated = browser.find_element(By.CSS_SELECTOR,
                                   "figure.timeline tbody tr:last-child td:last-child")
    assert sum(counts.values()) + int(undated.get_attribute("textContent")) == total
    fill = bars[0].find_element(By.CSS_SELECTOR, "rect.fill")
    assert fill.value_of_css_property("fill") != "rgb(0, 0, 0)"  # coloured by the stylesheet
    period = bars[0].get_attribute("data-period")
    ActionChains(browser).move_to_element(fill).click().perform()
    WebDriverWait(browser, 15).until(ec.url_contains("from="))
    assert f"from={period}" in browser.current_url and f"to={period}" in browser.current_url
    assert browser.find_element(By.NAME, "q").get_attribute("value") == "Байконур"
    assert _found_count(browser) == counts[period]
    assert not _console_problems(browser)


def test_browser_language_switch_keeps_the_search_and_is_remembered(server, browser):
    browser.get(server + "/")  # cookies belong to the site: open it to clear them
    browser.delete_all_cookies()
    try:
        browser.get(server + "/?q=" + quote("Байконур") + "&sort=date")
        assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "ru"
        browser.find_element(By.CSS_SELECTOR, "nav.ui-switch a[lang=kk]").click()
        WebDriverWait(browser, 15).until(
            lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "kk")
        assert browser.find_element(By.CSS_SELECTOR, ".found").text.startswith("Табылды: ")
        assert browser.find_element(By.NAME, "q").get_attribute("value") == "Байконур"
        assert "sort=date" in browser.current_url
        assert browser.find_element(By.CSS_SELECTOR, "form.search button").text == "Іздеу"
        _screenshots(browser, "results-kk")

        browser.find_element(By.CSS_SELECTOR, "nav.ui-switch a[lang=en]").click()
        WebDriverWait(browser, 15).until(
            lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en")
        assert browser.find_element(By.CSS_SELECTOR, ".found").text.startswith("Found: ")
        # a new search from the box stays in English, and so does a later visit
        box = browser.find_element(By.NAME, "q")
        box.clear()
        box.send_keys("Байтерек", Keys.ENTER)
        WebDriverWait(browser, 15).until(ec.url_contains("%D0%91%D0%B0%D0%B9%D1%82"))
        assert browser.find_element(By.CSS_SELECTOR, ".found").text.startswith("Found: ")
        browser.get(server + "/")
        assert browser.find_element(By.TAG_NAME, "html").get_attribute("lang") == "en"
        browser.find_element(By.CSS_SELECTOR, "nav.ui-switch a[lang=kk]").click()
        WebDriverWait(browser, 15).until(
            lambda d: d.find_element(By.TAG_NAME, "html").get_attribute("lang") == "kk")
        assert browser.find_element(By.CSS_SELECTOR, "section.overview h2").text == "Мұрағат"
        _screenshots(browser, "front-kk")
    finally:
        browser.delete_all_cookies()
    assert not _console_problems(browser)


def _found_count(driver: webdriver.Chrome) -> int:
    text = driver.find_element(By.CSS_SELECTOR, ".found").text
    return int(re.search(r"([\d\u202f,]+)", text)[1].replace("\u202f", "").replace(",", ""))


def _screenshots(driver: webdriver.Chrome, name: str) -> None:
    folder = os.environ.get("ORBITA_SCREENSHOTS")
    if not folder:
        return
    Path(folder).mkdir(parents=True, exist_ok=True)
    size = driver.get_window_size()
    try:
        for label, (width, height) in {"desktop": (1280, 900), "phone": (375, 812)}.items():
            driver.set_window_size(width, height)
            driver.save_screenshot(str(Path(folder) / f"{name}-{label}.png"))
    finally:
        driver.set_window_size(size["width"], size["height"])
