using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using OpenQA.Selenium;
using OpenQA.Selenium.Chrome;

namespace Atasker.Dashboard.BrowserTests;

/// <summary>
/// The dashboard in a real browser: Debian's headless Chromium (installed by .ci/chromium when missing) driven through
/// its WebDriver, on the page of the running dashboard sample. The page's counts must change without a reload, the
/// slot bar must be drawn to the reserve model, and a click on "trigger" must run the worker. The screenshot it takes
/// at the end is docs/dashboard.png when ATASKER_SCREENSHOT names that file (docs/screenshot regenerates it).
/// </summary>
public sealed class DashboardBrowserTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public void The_page_of_the_running_sample_updates_live_and_its_trigger_button_runs_the_worker()
    {
        using var sample = SampleApp.Start();
        using var browser = Browser();
        browser.Navigate().GoToUrl(new Uri(sample.Address, "/atasker"));
        ((IJavaScriptExecutor)browser).ExecuteScript("window.notReloaded = true;");

        // The pools and workers arrive by polling; the orders worker keeps submitting, so its count rises and the
        // thread pool's waiting count moves (waves of orders fill the queue and it drains again).
        var orders = Until(browser, sample, () => Worker(browser, "orders") is { } row && Int(row[Executions]) > 0 ? row : null, "the orders worker listed with an execution");
        Until(browser, sample, () => Worker(browser, "orders") is { } row && Int(row[Executions]) >= Int(orders[Executions]) + 4 ? row : null, "the orders worker's executions rising on the page");
        var waiting = new HashSet<string>();
        Until(browser, sample, () => Pool(browser, "thread") is { } row && waiting.Add(row[PoolWaiting]) && waiting.Count >= 3 ? row : null, "the thread pool's waiting count changing");

        // The sample's pool is (4, 1, 1): reserves come on top of the size, so the bar is 6 slots wide and the Normal
        // zone starts after the 4 open slots.
        var zones = Script<double[]>(browser, """
            const bar = [...document.querySelectorAll("#supervisors tr")].find(r => r.cells[0]?.textContent === "thread").querySelector(".bar");
            return JSON.stringify([bar.querySelector(".zone.normal").style.left, bar.querySelector(".zone.normal").style.width, bar.querySelector(".zone.high").style.left]
              .map(v => parseFloat(v)));
            """);
        Assert.Equal([100.0 * 4 / 6, 100.0 / 6, 100.0 * 5 / 6], zones.Select(z => Math.Round(z, 2)), new Close(0.01));

        // The nightly report (cron, 03:00 UTC) has not run; its trigger button runs it now.
        var report = Until(browser, sample, () => Worker(browser, "nightly report"), "the nightly report listed");
        Assert.Equal(0, Int(report[Executions]));
        Until(browser, sample, () => Click(browser, "//div[@id='workers']//tr[td[2][normalize-space()='nightly report']]//button[@data-action='trigger']"), "the trigger button clicked");
        Until(browser, sample, () => Worker(browser, "nightly report") is { } row && Int(row[Executions]) == 1 ? row : null, "the nightly report's executions at 1 after the trigger");
        Assert.Equal("Worker 'nightly report' triggered.", browser.FindElement(By.Id("action-result")).Text);

        // The ship worker's refused parcels are listed with their messages.
        Until(browser, sample, () => Worker(browser, "ship") is { } row && row[Errors].Contains("The carrier refused", StringComparison.Ordinal) ? row : null, "the ship worker's last errors");
        Assert.Equal(true, ((IJavaScriptExecutor)browser).ExecuteScript("return window.notReloaded === true;"));

        var screenshot = ((ITakesScreenshot)browser).GetScreenshot();
        Assert.True(screenshot.AsByteArray.Length > 10_000, "the screenshot is an empty page");
        if (Environment.GetEnvironmentVariable("ATASKER_SCREENSHOT") is { Length: > 0 } path)
        {
            screenshot.SaveAsFile(path);
        }

        Assert.True(sample.Stop(TimeSpan.FromSeconds(30)), $"the sample did not stop by itself with exit code 0 after SIGTERM, with load running:{Environment.NewLine}{sample.Output}");
    }

    // Columns of the workers table (supervisor, worker, type, state, priority / kind, executions, failures, last run,
    // next run, queued, last errors, actions) and of the pools table (pool, limits, slots, active, waiting, ...).
    private const int Executions = 5;
    private const int Errors = 10;
    private const int PoolWaiting = 4;

    private static ChromeDriver Browser()
    {
        var (chromium, driver) = Chromium();
        var service = ChromeDriverService.CreateDefaultService(Path.GetDirectoryName(driver)!, Path.GetFileName(driver));
        service.HideCommandPromptWindow = true;
        service.SuppressInitialDiagnosticInformation = true;
        var options = new ChromeOptions { BinaryLocation = chromium };
        options.AddArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1400,1500", "--lang=en-GB");
        return new ChromeDriver(service, options, Patience);
    }

    /// <summary>The browser and driver .ci/chromium names, installing them first when they are missing.</summary>
    private static (string Chromium, string Driver) Chromium()
    {
        var start = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(Path.Combine(Atasker.Testing.Repository.Root, ".ci", "chromium"));
        using var script = Process.Start(start)!;
        var error = script.StandardError.ReadToEndAsync();
        string[] lines = script.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        script.WaitForExit();
        Assert.True(script.ExitCode == 0 && lines.Length == 2, $".ci/chromium failed (exit {script.ExitCode}): {error.Result}");
        return (lines[0], lines[1]);
    }

    private static string[]? Worker(ChromeDriver browser, string name) => Row(browser, "workers", 1, name);

    private static string[]? Pool(ChromeDriver browser, string name) => Row(browser, "supervisors", 0, name);

    /// <summary>The cells' text of the row of table(s) under #<paramref name="section"/> whose cell
    /// <paramref name="column"/> reads <paramref name="key"/>, or null while there is none.</summary>
    private static string[]? Row(ChromeDriver browser, string section, int column, string key) =>
        Script<string[][]>(browser, $$"""
            return JSON.stringify([...document.querySelectorAll("#{{section}} tr")].map(r => [...r.cells].map(c => c.textContent)));
            """).FirstOrDefault(cells => cells.Length > column && cells[column] == key);

    private static T Script<T>(ChromeDriver browser, string script) =>
        JsonSerializer.Deserialize<T>((string)((IJavaScriptExecutor)browser).ExecuteScript(script)!)!;

    /// <summary>Clicks the element, or returns null when the page has just redrawn it (the next poll tries again).</summary>
    private static string? Click(ChromeDriver browser, string xpath)
    {
        try
        {
            browser.FindElement(By.XPath(xpath)).Click();
            return "clicked";
        }
        catch (Exception error) when (error is NoSuchElementException or StaleElementReferenceException)
        {
            return null;
        }
    }

    /// <summary>Reads the page until <paramref name="read"/> returns something (the page redraws every second), or
    /// fails after <see cref="Patience"/> naming what it waited for, with what the page and the sample showed.</summary>
    private static T Until<T>(ChromeDriver browser, SampleApp sample, Func<T?> read, string what)
        where T : class
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            if (read() is { } value)
            {
                return value;
            }

            if (deadline.Elapsed > Patience)
            {
                Assert.Fail($"Not seen within {Patience}: {what}.{Environment.NewLine}Page: {browser.FindElement(By.TagName("body")).Text}{Environment.NewLine}Sample: {sample.Output}");
            }

            Thread.Sleep(100); // the page polls once a second; this only paces the reads
        }
    }

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    private sealed class Close(double tolerance) : IEqualityComparer<double>
    {
        public bool Equals(double x, double y) => Math.Abs(x - y) <= tolerance;

        public int GetHashCode(double obj) => 0;
    }
}
