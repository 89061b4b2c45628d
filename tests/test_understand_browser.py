"""The search box's completions in a real browser (headless Chromium), under the real CSP:
skipped with the reason where Chromium is missing, as the other browser test."""

from __future__ import annotations

from urllib.parse import quote

from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait
from test_e2e_browser import _console_problems, browser, server  # noqa: F401 - fixtures

OPTIONS_JS = "return [...document.querySelectorAll('#q-suggestions option')].map(o => o.value)"


def test_typing_fills_the_completions_list(server, browser):  # noqa: F811
    browser.get(server + "/")
    box = browser.find_element(By.NAME, "q")
    assert box.get_attribute("list") == "q-suggestions"  # the script connected the list
    box.send_keys("косм")
    WebDriverWait(browser, 10).until(lambda d: d.execute_script(OPTIONS_JS))
    options = browser.execute_script(OPTIONS_JS)
    assert 0 < len(options) <= 10 and all(o.lower().startswith("косм") for o in options)
    assert _console_problems(browser) == []  # no CSP violation, no script error


def test_corrected_query_page_in_the_browser(server, browser):  # noqa: F811
    browser.get(server + "/?q=" + quote("rjcvjlhjv"))
    line = browser.find_element(By.CSS_SELECTOR, "p.correction")
    assert line.text == "Показаны результаты по запросу «космодром». Искать «rjcvjlhjv»?"
    line.find_element(By.TAG_NAME, "a").click()
    WebDriverWait(browser, 10).until(lambda d: "noc=1" in d.current_url)
    assert not browser.find_elements(By.CSS_SELECTOR, "p.correction")
    assert _console_problems(browser) == []
