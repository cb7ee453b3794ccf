using System.Collections.Concurrent;
using System.Net;
using System.Security.Claims;
using System.Text.Encodings.Web;
using System.Text.Json;
using Atasker.Dashboard;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Atasker.Dashboard.Tests;

/// <summary>The dashboard's endpoints in an app run in memory (TestHost): what is served, what it shows, who may see
/// it, and that nothing from user code arrives as markup.</summary>
public sealed class DashboardTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Nothing_is_served_unless_the_app_maps_it()
    {
        await using var app = await StartAsync(_ => { }, map: null);
        using var client = app.GetTestClient();

        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/atasker")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/atasker/api/overview")).StatusCode);
    }

    [Fact]
    public async Task The_page_is_embedded_html_that_sets_every_value_as_text_and_loads_nothing_from_elsewhere()
    {
        await using var app = await StartAsync(_ => { }, app => app.MapAtaskerDashboard("/atasker"));
        using var client = app.GetTestClient();

        var response = await client.GetAsync("/atasker");
        string page = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/html", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("default-src 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
        Assert.Contains("api/overview", page, StringComparison.Ordinal);
        Assert.DoesNotContain("innerHTML", page, StringComparison.Ordinal);
        Assert.DoesNotContain("insertAdjacentHTML", page, StringComparison.Ordinal);
        Assert.DoesNotContain("http://cdn", page, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("src=\"http", page, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task A_full_pool_shows_its_limits_which_reserve_is_in_use_and_who_waits_by_priority()
    {
        var supervisor = new TaskSupervisor("full");
        supervisor.SetThreadPool(2, reserveNormal: 0, reserveHigh: 1);
        using var gate = new ManualResetEventSlim();
        using var started = new SemaphoreSlim(0);
        await using var app = await StartAsync(services => services.AddSingleton(supervisor), app => app.MapAtaskerDashboard("/atasker"));
        using var client = app.GetTestClient();
        TaskHandle Submit(TaskPriority priority, string name) =>
            supervisor.Submit(() => { started.Release(); gate.Wait(Patience); }, new TaskOptions { Priority = priority, Name = name });

        var handles = new[]
        {
            Submit(TaskPriority.Low, "low-1"), Submit(TaskPriority.Low, "low-2"), Submit(TaskPriority.Low, "low-waits"),
            Submit(TaskPriority.High, "high-reserve"), Submit(TaskPriority.High, "high-waits"),
        };
        for (int i = 0; i < 3; i++)
        {
            Assert.True(await started.WaitAsync(Patience), "the two Low tasks and the High one on the reserve should run");
        }

        var pool = Thread(await Eventually(client, "/atasker/api/overview", json => Ints(Thread(json).GetProperty("activeByPriority")).Sum() == 3));
        Assert.Equal((2, 0, 1), (pool.GetProperty("poolSize").GetInt32(), pool.GetProperty("reserveNormal").GetInt32(), pool.GetProperty("reserveHigh").GetInt32()));
        Assert.Equal((3, 2), (pool.GetProperty("active").GetInt32(), pool.GetProperty("queued").GetInt32()));
        Assert.Equal([2, 0, 1, 0], Ints(pool.GetProperty("activeByPriority")));
        Assert.Equal([1, 0, 1, 0], Ints(pool.GetProperty("queuedByPriority")));

        gate.Set();
        TaskHandle.WaitCompleted(handles, Patience);
        var after = Thread(await Eventually(client, "/atasker/api/overview", json => Thread(json).GetProperty("active").GetInt32() == 0));
        Assert.True(after.GetProperty("throughputPerSecond").GetDouble() > 0, after.ToString());
        await supervisor.StopAsync();
    }

    [Fact]
    public async Task Workers_show_their_state_counts_schedule_and_last_errors()
    {
        var supervisor = new TaskSupervisor("ops");
        await using var app = await StartAsync(services => services.AddSingleton(supervisor), app => app.MapAtaskerDashboard("/ops"));
        using var client = app.GetTestClient();
        using var failed = new ManualResetEventSlim();
        var poller = new IntervalWorker("poller", _ => { }) { Interval = TimeSpan.FromHours(1) };
        var mailer = new QueueWorker<string>("mailer", new Func<string, CancellationToken, bool>((item, _) => throw new InvalidOperationException($"cannot send to {item}")));
        mailer.Error += (_, _) => failed.Set();
        poller.Start(supervisor);
        mailer.Start(supervisor);
        _ = await Json(client, "/ops/api/workers"); // the dashboard sees the workers: their errors are kept from now on
        mailer.Put("a@example.com");
        Assert.True(failed.Wait(Patience));

        var workers = await Eventually(client, "/ops/api/workers", json => Worker(json, "mailer").GetProperty("errors").GetArrayLength() == 1);

        var error = Worker(workers, "mailer").GetProperty("errors")[0];
        Assert.Equal("System.InvalidOperationException", error.GetProperty("type").GetString());
        Assert.Equal("cannot send to a@example.com", error.GetProperty("message").GetString());
        Assert.Equal("a@example.com", error.GetProperty("item").GetString());
        Assert.Contains("DashboardTests", error.GetProperty("stackTrace").GetString(), StringComparison.Ordinal);
        Assert.Equal(1, Worker(workers, "mailer").GetProperty("failures").GetInt64());
        var interval = Worker(workers, "poller");
        Assert.Equal(("Interval", true), (interval.GetProperty("type").GetString(), interval.GetProperty("isActive").GetBoolean()));
        Assert.NotEqual(JsonValueKind.Null, interval.GetProperty("nextRun").ValueKind);
        await supervisor.StopAsync();
    }

    [Fact]
    public async Task Names_messages_and_items_from_user_code_arrive_escaped_and_inert()
    {
        const string Hostile = "<script>alert(\"x\")</script>";
        var supervisor = new TaskSupervisor("hostile");
        using var gate = new ManualResetEventSlim();
        using var failed = new ManualResetEventSlim();
        await using var app = await StartAsync(services => services.AddSingleton(supervisor), app => app.MapAtaskerDashboard("/atasker"));
        using var client = app.GetTestClient();
        var task = supervisor.Submit(() => gate.Wait(Patience), new TaskOptions { Name = Hostile });
        var worker = new QueueWorker<string>(Hostile, new Func<string, CancellationToken, bool>((item, _) => throw new InvalidOperationException(item)));
        worker.Error += (_, _) => failed.Set();
        worker.Start(supervisor);
        _ = await Json(client, "/atasker/api/workers");
        worker.Put(Hostile);
        Assert.True(failed.Wait(Patience));

        foreach (string path in new[] { "/atasker/api/tasks", "/atasker/api/workers", "/atasker/api/overview" })
        {
            string raw = await client.GetStringAsync(path);
            Assert.DoesNotContain("<script", raw, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain("\\\"x\\\"", raw, StringComparison.Ordinal); // the quote is \u0022, not \"
        }

        string tasks = await client.GetStringAsync("/atasker/api/tasks");
        Assert.Contains(JsonEncodedText.Encode(Hostile, JavaScriptEncoder.Default).ToString(), tasks, StringComparison.Ordinal);
        var errors = Worker(await Json(client, "/atasker/api/workers"), Hostile).GetProperty("errors");
        Assert.Equal(Hostile, errors[0].GetProperty("message").GetString()); // decoded, the text is intact
        gate.Set();
        await task;
        await supervisor.StopAsync();
    }

    [Fact]
    public async Task The_pages_list_running_tasks_first_then_the_queue_by_id_with_none_left_out()
    {
        var supervisor = new TaskSupervisor("ordered");
        supervisor.SetThreadPool(1);
        using var gate = new ManualResetEventSlim();
        await using var app = await StartAsync(services => services.AddSingleton(supervisor), app => app.MapAtaskerDashboard("/atasker", o => o.TaskPageSize = 100));
        using var client = app.GetTestClient();
        var queued = Enumerable.Range(0, 250).Select(i => supervisor.Submit(() => gate.Wait(Patience), new TaskOptions { Name = $"low {i}", Priority = TaskPriority.Low })).ToArray();
        var critical = supervisor.Submit(() => gate.Wait(Patience), new TaskOptions { Name = "critical", Priority = TaskPriority.Critical });
        Assert.True(SpinWait.SpinUntil(() => queued[0].State == TaskState.Started && critical.State == TaskState.Started, Patience));

        var listed = new List<long>();
        for (int number = 0; number < 4; number++)
        {
            var page = await Json(client, $"/atasker/api/tasks?page={number}");
            Assert.Equal(251, page.GetProperty("total").GetInt32());
            listed.AddRange(page.GetProperty("tasks").EnumerateArray().Select(t => t.GetProperty("id").GetInt64()));
        }

        // The two running tasks (the first Low one and the Critical one, submitted last) come first, then the 249 queued by id.
        long[] expected = [queued[0].Id, critical.Id, .. queued.Skip(1).Select(t => t.Id).Order()];
        Assert.Equal(expected, listed);
        gate.Set();
        TaskHandle.WaitCompleted([.. queued, critical], Patience);
        await supervisor.StopAsync();
    }

    [Fact]
    public async Task A_bad_page_gets_a_400_that_says_what_was_wrong_and_pages_split_the_list()
    {
        var supervisor = new TaskSupervisor("paged");
        supervisor.SetThreadPool(1);
        using var gate = new ManualResetEventSlim();
        await using var app = await StartAsync(services => services.AddSingleton(supervisor), app => app.MapAtaskerDashboard("/atasker", o => o.TaskPageSize = 2));
        using var client = app.GetTestClient();
        var handles = Enumerable.Range(0, 5).Select(i => supervisor.Submit(() => gate.Wait(Patience), new TaskOptions { Name = $"t{i}" })).ToArray();

        foreach (string bad in new[] { "-1", "two", "1.5", "99999999999" })
        {
            var response = await client.GetAsync($"/atasker/api/tasks?page={bad}");
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Contains("'page' must be one whole number", problem.RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        }

        var last = await Json(client, "/atasker/api/tasks?page=2");
        Assert.Equal((5, 2, 2), (last.GetProperty("total").GetInt32(), last.GetProperty("page").GetInt32(), last.GetProperty("pageSize").GetInt32()));
        Assert.Single(last.GetProperty("tasks").EnumerateArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => new DashboardOptions { TaskPageSize = 0 });
        gate.Set();
        TaskHandle.WaitCompleted(handles, Patience);
        await supervisor.StopAsync();
    }

    [Fact]
    public async Task RequireAuthorization_on_the_returned_builder_guards_the_page_and_every_json_endpoint()
    {
        await using var app = await StartAsync(
            services => services.AddAuthentication("test").AddScheme<AuthenticationSchemeOptions, HeaderAuthentication>("test", _ => { }),
            app =>
            {
                app.UseAuthentication();
                app.UseAuthorization();
                app.MapAtaskerDashboard("/atasker").RequireAuthorization();
            },
            authorization: true);
        using var client = app.GetTestClient();

        foreach (string path in new[] { "/atasker", "/atasker/api/overview", "/atasker/api/workers", "/atasker/api/tasks" })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, (await client.GetAsync(path)).StatusCode);
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("X-Test-User", "operator");
            Assert.Equal(HttpStatusCode.OK, (await client.SendAsync(request)).StatusCode);
        }

        Assert.DoesNotContain(app.Services.GetRequiredService<LogSink>().Messages, m => m.Contains("requires no authorization", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Mapped_without_authorization_outside_Development_it_warns_at_startup()
    {
        await using var app = await StartAsync(_ => { }, app => app.MapAtaskerDashboard("/open"), environment: Environments.Production);
        Assert.Contains(app.Services.GetRequiredService<LogSink>().Messages, m => m.Contains("dashboard at '/open' requires no authorization in the Production environment", StringComparison.Ordinal));

        await using var development = await StartAsync(_ => { }, app => app.MapAtaskerDashboard("/open"), environment: Environments.Development);
        Assert.DoesNotContain(development.Services.GetRequiredService<LogSink>().Messages, m => m.Contains("requires no authorization", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Actions_are_off_by_default_and_refused_without_an_antiforgery_token()
    {
        var supervisor = new TaskSupervisor("guarded");
        await using var off = await StartAsync(services => services.AddSingleton(supervisor), app => app.MapAtaskerDashboard("/atasker"));
        using var offClient = off.GetTestClient();
        Assert.Equal(HttpStatusCode.NotFound, (await offClient.GetAsync("/atasker/api/token")).StatusCode);
        Assert.NotEqual(HttpStatusCode.OK, (await offClient.PostAsync("/atasker/api/actions/limits", Form(("supervisor", "guarded")))).StatusCode);
        Assert.False((await Json(offClient, "/atasker/api/overview")).GetProperty("actionsEnabled").GetBoolean());

        await using var on = await StartAsync(services => services.AddSingleton(supervisor).AddAntiforgery(), app => app.MapAtaskerDashboard("/atasker", o => o.EnableActions = true));
        using var client = on.GetTestClient();
        var response = await client.PostAsync("/atasker/api/actions/limits", Form(("supervisor", "guarded"), ("pool", "thread"), ("poolSize", "1"), ("reserveNormal", "0"), ("reserveHigh", "0")));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("antiforgery token is missing or invalid", JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error").GetString(), StringComparison.Ordinal);
        Assert.NotEqual(1, supervisor.GetInfo().Thread.Limits.PoolSize);
        Assert.Throws<InvalidOperationException>(() => WebApplication.Create().MapAtaskerDashboard("/x", o => o.EnableActions = true));
        await supervisor.StopAsync();
    }

    [Fact]
    public async Task Actions_cancel_a_task_trigger_stop_and_start_a_worker_and_change_limits_and_bad_requests_change_nothing()
    {
        var supervisor = new TaskSupervisor("acting");
        supervisor.SetThreadPool(1);
        using var gate = new ManualResetEventSlim();
        await using var app = await StartAsync(services => services.AddSingleton(supervisor).AddAntiforgery(), app => app.MapAtaskerDashboard("/atasker", o => o.EnableActions = true));
        using var client = app.GetTestClient();
        var tokenResponse = await client.GetAsync("/atasker/api/token");
        using var token = JsonDocument.Parse(await tokenResponse.Content.ReadAsStringAsync());
        string header = token.RootElement.GetProperty("headerName").GetString()!, value = token.RootElement.GetProperty("token").GetString()!;
        string cookie = string.Join("; ", tokenResponse.Headers.GetValues("Set-Cookie").Select(c => c.Split(';')[0]));
        async Task<(HttpStatusCode, string)> Act(string action, params (string, string)[] fields)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/atasker/api/actions/" + action) { Content = Form(fields) };
            request.Headers.Add(header, value);
            request.Headers.Add("Cookie", cookie);
            var response = await client.SendAsync(request);
            using var reply = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return (response.StatusCode, reply.RootElement.GetProperty(response.IsSuccessStatusCode ? "done" : "error").GetString()!);
        }

        var running = supervisor.Submit(() => gate.Wait(Patience), new TaskOptions { Name = "running" });
        var waiting = supervisor.Submit(() => { }, new TaskOptions { Name = "waiting" });
        var (status, body) = await Act("cancel", ("supervisor", "acting"), ("task", waiting.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("Cancel requested", body, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await waiting);
        supervisor.SetThreadPool(2); // room for the worker beside the running task

        var worker = new IntervalWorker("poller", _ => { }) { Interval = TimeSpan.FromHours(1) };
        worker.Start(supervisor);
        long before = worker.Executions;
        Assert.Equal(HttpStatusCode.OK, (await Act("worker", ("supervisor", "acting"), ("worker", "poller"), ("do", "trigger"))).Item1);
        Until(() => worker.Executions > before, "the triggered worker ran");
        Assert.Equal(HttpStatusCode.OK, (await Act("worker", ("supervisor", "acting"), ("worker", "poller"), ("do", "stop"))).Item1);
        Until(() => !worker.IsActive, "the worker stopped");
        Assert.False(Worker(await Json(client, "/atasker/api/workers"), "poller").GetProperty("isActive").GetBoolean()); // still listed, to be started
        Assert.Contains("start it before triggering", (await Act("worker", ("supervisor", "acting"), ("worker", "poller"), ("do", "trigger"))).Item2, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, (await Act("worker", ("supervisor", "acting"), ("worker", "poller"), ("do", "start"))).Item1);
        Assert.True(worker.IsActive);

        Assert.Equal(HttpStatusCode.OK, (await Act("limits", ("supervisor", "acting"), ("pool", "thread"), ("poolSize", "3"), ("reserveNormal", "1"), ("reserveHigh", "2"))).Item1);
        Assert.Equal(new PoolLimits(3, 1, 2), supervisor.GetInfo().Thread.Limits);

        var bad = new (string Action, (string, string)[] Fields, string Message)[]
        {
            ("cancel", [("supervisor", "nobody"), ("task", "1")], "no supervisor 'nobody'"),
            ("cancel", [("supervisor", "acting"), ("task", "x")], "'task' must be a task id"),
            ("cancel", [("supervisor", "acting"), ("task", "999999")], "has no unfinished task 999999"),
            ("worker", [("supervisor", "acting"), ("worker", "ghost"), ("do", "stop")], "no worker named 'ghost'"),
            ("worker", [("supervisor", "acting"), ("worker", "poller"), ("do", "explode")], "'do' must be trigger, stop or start"),
            ("limits", [("supervisor", "acting"), ("pool", "thread"), ("poolSize", "-1"), ("reserveNormal", "0"), ("reserveHigh", "0")], "'poolSize' must be a whole number"),
            ("limits", [("supervisor", "acting"), ("pool", "thread"), ("poolSize", "2"), ("reserveNormal", "0")], "'reserveHigh' is required"),
            ("limits", [("supervisor", "acting"), ("pool", "gpu"), ("poolSize", "2"), ("reserveNormal", "0"), ("reserveHigh", "0")], "'pool' must be thread, async or process"),
        };
        foreach (var (action, fields, message) in bad)
        {
            var (code, text) = await Act(action, fields);
            Assert.Equal(HttpStatusCode.BadRequest, code);
            Assert.Contains(message, text, StringComparison.Ordinal);
        }

        Assert.Equal(new PoolLimits(3, 1, 2), supervisor.GetInfo().Thread.Limits);
        Assert.True(worker.IsActive);
        Assert.Equal(TaskState.Started, running.State);
        gate.Set();
        await running;
        await supervisor.StopAsync();
    }

    private static FormUrlEncodedContent Form(params (string Name, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Name, f.Value)));

    private static void Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, what);
            System.Threading.Thread.Yield();
        }
    }

    private static JsonElement Thread(JsonElement overview) =>
        overview.GetProperty("supervisors")[0].GetProperty("pools").EnumerateArray().Single(p => p.GetProperty("name").GetString() == "thread");

    private static JsonElement Worker(JsonElement workers, string name) =>
        workers.GetProperty("workers").EnumerateArray().Single(w => w.GetProperty("name").GetString() == name);

    private static int[] Ints(JsonElement array) => array.EnumerateArray().Select(e => e.GetInt32()).ToArray();

    private static async Task<JsonElement> Json(HttpClient client, string path)
    {
        using var document = JsonDocument.Parse(await client.GetStringAsync(path));
        return document.RootElement.Clone();
    }

    private static async Task<JsonElement> Eventually(HttpClient client, string path, Func<JsonElement, bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var json = await Json(client, path);
            if (condition(json))
            {
                return json;
            }

            Assert.True(DateTime.UtcNow < deadline, $"{path} never showed what was expected: {json}");
            await Task.Yield();
        }
    }

    private static async Task<WebApplication> StartAsync(Action<IServiceCollection> services, Action<WebApplication>? map, bool authorization = false, string environment = "Production")
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = environment });
        builder.WebHost.UseTestServer();
        var sink = new LogSink();
        builder.Services.AddSingleton(sink);
        builder.Logging.ClearProviders().AddProvider(sink);
        if (authorization)
        {
            builder.Services.AddAuthorization();
        }

        services(builder.Services);
        var app = builder.Build();
        map?.Invoke(app);
        await app.StartAsync();
        return app;
    }

    internal sealed class LogSink : ILoggerProvider, ILogger
    {
        private readonly ConcurrentQueue<string> _messages = new();

        public IEnumerable<string> Messages => _messages;

        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            _messages.Enqueue(formatter(state, exception));

        public void Dispose()
        {
        }
    }

    private sealed class HeaderAuthentication(IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder)
        : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
    {
        protected override Task<AuthenticateResult> HandleAuthenticateAsync() =>
            Task.FromResult(Request.Headers.TryGetValue("X-Test-User", out var user)
                ? AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.Name, user.ToString())], "test")), "test"))
                : AuthenticateResult.NoResult());
    }
}
