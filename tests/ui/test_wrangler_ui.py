"""Data Wrangler in a real browser: create a flow from the launcher card, import a sample CSV,
add two transforms from the searchable picker, import a second CSV and join it, draw a histogram
analysis, open the insights report, save with Ctrl+S, export a Python script, undo the last edit,
close without saving and reopen the file exactly as saved."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.ui.conftest import ARTIFACTS, LabServer, open_lab

pytestmark = pytest.mark.browser

SALES = (
    "id,city,price,qty\n"
    + "".join(
        f"{i},{['Paris', 'Lyon', 'Nice'][i % 3]},{'' if i % 7 == 0 else i * 1.5},{i % 5}\n"
        for i in range(1, 61)
    )
    + "3,Paris,4.5,3\n"
)
CITIES = "city,region\nParis,IDF\nLyon,ARA\nNice,PACA\n"
#: Every wait of these tests: previews compute on a machine that may be busy with other work.
BUSY_TIMEOUT_MS = 120_000


@pytest.fixture
def studio_errors(page) -> Iterator[list[str]]:  # noqa: ANN001
    """Uncaught errors thrown by Studio's own code in the page: none may happen."""
    errors: list[str] = []

    def record(error) -> None:  # noqa: ANN001
        stack = getattr(error, "stack", "") or ""
        if "jupyter-studio" in stack:
            errors.append(f"{error}\n{stack}")

    page.on("pageerror", record)
    yield errors
    assert not errors, "\n".join(errors)


@pytest.fixture
def data(lab_server: LabServer) -> Path:
    folder = lab_server.root / "wrangler-ui"
    folder.mkdir(exist_ok=True)
    (folder / "sales.csv").write_text(SALES)
    (folder / "cities.csv").write_text(CITIES)
    for old in lab_server.root.glob("untitled*"):
        old.unlink()
    return folder


def wait_preview(page):  # noqa: ANN001, ANN201
    """The selected node's preview table (after its computation)."""
    preview = page.locator('[data-testid="studio-node-preview"]')
    preview.wait_for()
    return preview


def add_step(page, after: str, query: str, operator: str) -> None:  # noqa: ANN001
    """`+` on the node with operator `after`, search, pick `operator`."""
    node = page.locator(f'[data-testid="studio-flow-node"][data-operator="{after}"]').last
    click_when_still(page, node.get_by_role("button", name=re.compile("^Add a step after")))
    picker = page.locator('[data-testid="studio-step-picker"]')
    picker.wait_for()
    picker.get_by_placeholder("Search transforms and analyses").fill(query)
    # the query is highlighted in the matches
    assert picker.locator("mark").first.is_visible()
    picker.locator(f'button[data-operator="{operator}"]').click()
    page.locator(f'[data-testid="studio-flow-node"][data-operator="{operator}"]').wait_for()


def click_when_still(page, target) -> None:  # noqa: ANN001
    """Click `target` once the graph stops moving (it fits itself to new nodes)."""
    box = None
    for _ in range(50):
        now = target.bounding_box()
        if now is not None and now == box:
            break
        box = now
        page.wait_for_timeout(100)
    target.click()


def import_csv(page, path: str, show_sql: bool = False) -> None:  # noqa: ANN001
    page.get_by_role("button", name="Import data").first.click()
    panel = page.locator('[data-testid="studio-import-panel"]')
    if show_sql:  # the SQL form: a SQLAlchemy URL and a table or a query
        panel.locator("#studio-import-type").select_option("sql")
        panel.locator("#studio-import-url").wait_for()
        panel.locator("#studio-import-query").wait_for()
        page.screenshot(path=str(ARTIFACTS / "wrangler-import-sql.png"))
        panel.locator("#studio-import-type").select_option("file")
    panel.locator("#studio-import-path").fill(path)
    panel.get_by_role("button", name="Import").click()
    panel.wait_for(state="detached")


def test_flow_from_csv_with_steps_join_report_and_script(
    page,  # noqa: ANN001
    lab_server: LabServer,
    data: Path,
    studio_errors: list[str],
) -> None:
    page.set_default_timeout(BUSY_TIMEOUT_MS)
    open_lab(page, lab_server)
    page.locator(".jp-LauncherCard", has_text=re.compile(r"^Data Wrangler$")).click()
    editor = page.locator('[data-testid="studio-wrangler"]')
    editor.wait_for()
    flow_file = lab_server.root / "untitled.flow"
    assert flow_file.exists()

    # 1. import the sample CSV: a source node, selected, with its preview
    import_csv(page, "wrangler-ui/sales.csv")
    preview = wait_preview(page)
    assert preview.locator("th", has_text="price").is_visible()
    assert preview.locator("svg.jp-studio-MiniHist").count() >= 4
    assert "61 rows" in preview.inner_text()

    # 2. two transforms: fill missing (median of price), then drop duplicates
    add_step(page, "file", "fill miss", "fill_missing")
    # a new step without its parameters fails: the node says so (badge, tooltip, preview)
    fill = page.locator('[data-testid="studio-flow-node"][data-operator="fill_missing"]')
    fill.locator(".jp-studio-FlowNode-badge").wait_for()
    assert "columns" in fill.get_attribute("title").lower()
    page.locator('[data-testid="studio-node-error"]').wait_for()
    form = page.locator('[data-testid="studio-step-form"]')
    form.locator('[data-field$="-columns"] select').select_option("price")  # the column picker
    form.locator('[data-field$="-strategy"] select').select_option('"median"')
    form.get_by_role("button", name="Apply").click()
    preview = wait_preview(page)
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="studio-node-preview"] th')]
                 .some(th => th.textContent.includes('price') && !th.textContent.includes('missing'))"""
    )
    add_step(page, "fill_missing", "duplicate", "drop_duplicates")
    preview = wait_preview(page)
    page.wait_for_function(
        """() => (document.querySelector('[data-testid="studio-node-preview"]')?.innerText || '')
                 .includes('60 rows')"""
    )

    # 3. a second source and a join on city
    page.locator('[data-testid="studio-wrangler"]').locator(".react-flow__pane").click(
        position={"x": 10, "y": 10}
    )
    import_csv(page, "wrangler-ui/cities.csv", show_sql=True)
    wait_preview(page)
    add_step(page, "drop_duplicates", "join", "join")
    form = page.locator('[data-testid="studio-step-form"]')
    form.locator('[data-field$="-left_on"] select').select_option("city")
    form.locator('[data-field$="-right_on"] select').select_option("city")
    form.get_by_role("button", name="Apply").click()
    page.locator('[data-testid="studio-node-preview"] th', has_text="region").wait_for()
    assert page.locator('[data-testid="studio-flow-node"]').count() == 5
    # React Flow draws edges once both ends are measured: a frame or more later on a busy machine
    page.wait_for_function(
        "() => document.querySelectorAll('.react-flow__edge').length === 4", timeout=60_000
    )

    # an analysis node: its Vega-Lite chart is drawn by JupyterLab's rendermime
    add_step(page, "join", "histo", "histogram")
    form = page.locator('[data-testid="studio-step-form"]')
    form.locator('[data-field$="-column"] select').select_option("qty")
    form.get_by_role("button", name="Apply").click()
    chart = page.locator('[data-testid="studio-analysis-chart"]')
    chart.locator("svg, canvas").first.wait_for(timeout=60_000)
    page.screenshot(path=str(ARTIFACTS / "wrangler-analysis.png"))
    click_when_still(page, page.locator('[data-testid="studio-flow-node"][data-operator="join"]'))
    wait_preview(page)

    # 4. the insights report of the join, with qty as the target
    page.get_by_label("Report target").select_option("qty")
    page.get_by_role("button", name="Insights report").click()
    report = page.locator('[data-testid="studio-insights-report"]')
    report.wait_for(timeout=60_000)
    assert "Issues" in report.inner_text() and "Target: qty" in report.inner_text()
    page.screenshot(path=str(ARTIFACTS / "wrangler-report.png"))

    # 5. export a Python script (the flow is saved by Ctrl+S first, to check the file)
    page.locator(".jp-studio-FlowDocument").click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + 60  # the save is a round trip to a server on a loaded machine
    while time.monotonic() < deadline:
        saved = json.loads(flow_file.read_text() or "{}")
        if len(saved.get("nodes", [])) == 6:
            break
        time.sleep(0.2)
    assert len(saved["nodes"]) == 6
    join = next(n for n in saved["nodes"] if n["operator"] == "join")
    assert join["parameters"] == {"left_on": ["city"], "right_on": ["city"], "how": "inner"} or (
        join["parameters"]["left_on"] == ["city"]
    )
    assert len(join["inputs"]) == 2
    page.locator(".jp-studio-Wrangler-exports").get_by_role("button", name="Python script").click()
    script = lab_server.root / "untitled.py"
    deadline = time.monotonic() + 60
    while not script.exists() and time.monotonic() < deadline:
        time.sleep(0.2)
    assert script.exists() and "polars" in script.read_text()
    page.screenshot(path=str(ARTIFACTS / "wrangler-flow.png"))

    # 6. back on the flow (the script opened in its own tab): undo the last edit, the
    # histogram's column
    page.locator(".lm-TabBar-tab", has_text="untitled.flow").click()
    page.locator('[data-testid="studio-wrangler"]').get_by_role("button", name="Undo").click()
    click_when_still(
        page, page.locator('[data-testid="studio-flow-node"][data-operator="histogram"]')
    )
    column = page.locator('[data-testid="studio-step-form"] [data-field$="-column"] select')
    column.wait_for()
    assert column.input_value() == ""
    page.locator(".lm-TabBar-tab.jp-mod-dirty", has_text="untitled.flow").wait_for()
    assert page.locator('[data-testid="studio-flow-node"]').count() == 6

    # 7. close without saving, reopen by double-click: exactly as saved
    page.locator(".lm-TabBar-tab", has_text="untitled.flow").locator(
        ".lm-TabBar-tabCloseIcon"
    ).click()
    page.get_by_role("button", name="Discard").click()
    page.locator('[data-testid="studio-wrangler"]').wait_for(state="detached")
    page.locator(".jp-DirListing-item", has_text="untitled.flow").dblclick()
    # every source and step is checked on opening: ok badges, the analysis is not run
    page.wait_for_function(
        "() => document.querySelectorAll('.jp-studio-FlowNode-status-ok').length === 5"
    )
    assert page.locator(".jp-studio-FlowNode-status-error").count() == 0
    click_when_still(page, page.locator('[data-testid="studio-flow-node"][data-operator="join"]'))
    left_on = page.locator(
        '[data-testid="studio-step-form"] [data-field$="-left_on"] .jp-studio-ColumnChip'
    )
    left_on.wait_for()
    assert left_on.count() == 1 and "city" in left_on.inner_text()
    assert page.locator('[data-testid="studio-flow-node"]').count() == 6
    assert json.loads(flow_file.read_text()) == saved

    # 8. Export and train: the join's rows go to the AutoML wizard, pre-filled
    page.locator(".jp-studio-Wrangler-exports").get_by_role(
        "button", name="Export and train"
    ).click()
    dialog = page.locator(".jp-Dialog")
    if dialog.count():  # no report target chosen since reopening: the target is asked
        dialog.locator("input").fill("qty")
        dialog.get_by_role("button", name="Ok").click()
    wizard = page.locator('[data-testid="automl-wizard"]')
    wizard.wait_for(timeout=90_000)
    # the preview appears once the hand-off job has written the data
    wizard.locator('[data-testid="automl-preview"]').wait_for(timeout=120_000)
    # the columns keep their case in the preview (innerText applies CSS text-transform)
    assert "city" in wizard.locator('[data-testid="automl-preview"] thead').inner_text()
    # and the server's check of the file, made again once it exists, no longer complains
    page.wait_for_function(
        "() => !document.querySelector('[data-testid=\"automl-wizard\"]')"
        ".innerText.includes('does not exist')"
    )
    page.screenshot(path=str(ARTIFACTS / "wrangler-export-and-train.png"))


def test_custom_code_runs_beside_a_real_jupyterlab_server(
    lab_server: LabServer, data: Path
) -> None:
    """The child process that runs custom code does not re-run the server's main module
    (``python -m jupyterlab``): it answers, and a hang is stopped while the server serves."""
    doc = {
        "format_version": 1,
        "nodes": [
            {
                "id": "src",
                "kind": "source",
                "operator": "file",
                "parameters": {"path": "wrangler-ui/sales.csv"},
            },
            {
                "id": "code",
                "kind": "transform",
                "operator": "custom_polars",
                "parameters": {"code": "df = df.with_columns(total=pl.col('qty') * 2)"},
                "inputs": ["src"],
            },
        ],
    }
    code, preview = lab_server.api("POST", "flows/preview", {"document": doc, "node_id": "code"})
    assert code == 200 and preview["status"] == "ok", preview
    assert "total" in [c["name"] for c in preview["columns"]]
    code, info = lab_server.api("GET", "info")
    assert code == 200


MIXED = "Id,City,Price_EUR,isPaid\n" + "".join(
    f"{i},{['Paris', 'Lyon', 'Nice'][i % 3]},{i * 2.5},{'true' if i % 2 else 'false'}\n"
    for i in range(1, 41)
)


def nodes_inside_graph(page) -> bool:  # noqa: ANN001
    """Whether every node of the graph is drawn inside the graph's area."""
    return page.evaluate(
        """() => {
            const graph = document.querySelector('[data-testid="studio-flow-graph"]');
            const nodes = [...document.querySelectorAll('[data-testid="studio-flow-node"]')];
            if (!graph || !nodes.length) return false;
            const g = graph.getBoundingClientRect();
            return nodes.every(n => {
                const b = n.getBoundingClientRect();
                return b.width > 0 && b.left >= g.left - 1 && b.right <= g.right + 1
                    && b.top >= g.top - 1 && b.bottom <= g.bottom + 1;
            });
        }"""
    )


def test_step_forms_pick_columns_and_filter_with_condition_rows(
    page,  # noqa: ANN001
    lab_server: LabServer,
    data: Path,
    studio_errors: list[str],
) -> None:
    """Column parameters are pickers of the input's columns, a filter is made of condition rows,
    CSV options are fields, the preview keeps the columns' case, a reopened flow fits the view."""
    (data / "mixed.csv").write_text(MIXED)
    page.set_default_timeout(BUSY_TIMEOUT_MS)
    open_lab(page, lab_server)
    page.locator(".jp-LauncherCard", has_text=re.compile(r"^Data Wrangler$")).click()
    page.locator('[data-testid="studio-wrangler"]').wait_for(timeout=60_000)
    flow_file = next(lab_server.root.glob("untitled*.flow"))

    # the import form shows the CSV options as fields (no JSON)
    page.get_by_role("button", name="Import data").first.click()
    panel = page.locator('[data-testid="studio-import-panel"]')
    panel.locator("summary", has_text="CSV options").click()
    assert panel.locator('[data-field="studio-import-csv-encoding"] select').is_visible()
    assert panel.locator('[data-field="studio-import-csv-has_header"] input').is_checked()
    assert panel.locator("textarea").count() <= 1  # null values, one per line
    panel.locator("#studio-import-path").fill("wrangler-ui/mixed.csv")
    page.screenshot(path=str(ARTIFACTS / "wrangler-import-csv-options.png"))
    panel.get_by_role("button", name="Import").click()
    panel.wait_for(state="detached")
    preview = wait_preview(page)
    # headers keep their case (no upper-casing by CSS)
    header = preview.locator(".jp-studio-PreviewTable-name", has_text="Price_EUR")
    header.wait_for()
    assert header.inner_text() == "Price_EUR"
    assert header.evaluate("e => getComputedStyle(e).textTransform") in ("none", "")

    # fill missing: the columns come from a picker of the input's columns; auto by default
    add_step(page, "file", "fill miss", "fill_missing")
    form = page.locator('[data-testid="studio-step-form"]')
    picker = form.locator('[data-field$="-columns"] select')
    picker.wait_for()
    page.wait_for_function(
        """() => [...document.querySelectorAll('[data-testid="studio-step-form"] '
                 + '[data-field$="-columns"] option')].some(o => o.value === 'Price_EUR')""",
        timeout=60_000,
    )
    assert form.locator('[data-field$="-strategy"] select').input_value() == '"auto"'
    picker.select_option("Price_EUR")
    form.locator(".jp-studio-ColumnChip", has_text="Price_EUR").wait_for()
    form.get_by_role("button", name="Apply").click()
    page.wait_for_function(
        """() => document.querySelector('[data-testid="studio-flow-node"][data-operator="fill_missing"]')
                 ?.classList.contains('jp-studio-FlowNode-status-ok')""",
        timeout=60_000,
    )

    # a filter of two condition rows: Price_EUR >= 50 and City is one of Paris, Lyon
    add_step(page, "fill_missing", "filter", "filter_rows")
    form = page.locator('[data-testid="studio-step-form"]')
    rows = form.locator('[data-testid="studio-conditions"]')
    rows.get_by_role("button", name="Add a condition").click()
    rows.get_by_label("Column 1").select_option("Price_EUR")
    rows.get_by_label("Operator 1").select_option('">="')
    rows.get_by_label("Value 1").fill("50")
    rows.get_by_role("button", name="Add a condition").click()
    rows.get_by_label("Column 2").select_option("City")
    rows.get_by_label("Operator 2").select_option('"in"')
    rows.get_by_label("Value 2").fill("Paris, Lyon")
    page.screenshot(path=str(ARTIFACTS / "wrangler-filter-conditions.png"))
    form.get_by_role("button", name="Apply").click()
    expected = sum(1 for i in range(1, 41) if i * 2.5 >= 50 and i % 3 != 2)
    page.wait_for_function(
        f"""() => (document.querySelector('[data-testid="studio-node-preview"]')?.innerText || '')
                 .includes('{expected} rows')""",
        timeout=60_000,
    )

    # an invalid value names the allowed ones: a column the input does not have
    rows.get_by_label("Value 1").fill("")
    form.get_by_role("button", name="Apply").click()
    error = form.locator('[data-testid="studio-field-error"]')
    error.wait_for()
    assert "row 1" in error.inner_text() and "give a value" in error.inner_text()
    page.screenshot(path=str(ARTIFACTS / "wrangler-filter-error.png"))

    # saved, closed and reopened: the graph fits the view and the rows come back
    page.locator(".jp-studio-FlowDocument").click(position={"x": 5, "y": 5})
    page.keyboard.press("Control+s")
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        saved = json.loads(flow_file.read_text() or "{}")
        if any(n["operator"] == "filter_rows" for n in saved.get("nodes", [])):
            break
        time.sleep(0.2)
    step = next(n for n in saved["nodes"] if n["operator"] == "filter_rows")
    assert step["parameters"]["conditions"] == [
        {"column": "Price_EUR", "operator": ">=", "value": 50},
        {"column": "City", "operator": "in", "value": ["Paris", "Lyon"]},
    ]
    # move the nodes far away, as a flow edited on a big screen: reopening still shows them all
    for i, node in enumerate(saved["nodes"]):
        node["position"] = {"x": 3000 + 40 * i, "y": 2500 + 400 * i}
    flow_file.write_text(json.dumps(saved, indent=2))
    tab = page.locator(".lm-TabBar-tab", has_text=flow_file.name)
    tab.locator(".lm-TabBar-tabCloseIcon").click()
    discard = page.get_by_role("button", name="Discard")
    if discard.count():
        discard.click()
    page.locator('[data-testid="studio-wrangler"]').wait_for(state="detached")
    page.locator(".jp-DirListing-item", has_text=flow_file.name).dblclick()
    page.locator('[data-testid="studio-flow-node"]').nth(2).wait_for(timeout=60_000)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline and not nodes_inside_graph(page):
        page.wait_for_timeout(200)
    page.screenshot(path=str(ARTIFACTS / "wrangler-reopened.png"))
    assert nodes_inside_graph(page)
    click_when_still(
        page, page.locator('[data-testid="studio-flow-node"][data-operator="filter_rows"]')
    )
    rows = page.locator('[data-testid="studio-conditions"]')
    rows.get_by_label("Value 2").wait_for()
    assert rows.get_by_label("Value 2").input_value() == "Paris, Lyon"
