using System.Net.Http;
using Atasker.Benchmarks.Quick;
using Atasker.Dashboard;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Atasker.Benchmarks.Comparisons;

/// <summary>
/// 12: what an open dashboard costs the pools. The same saturated submit load as comparison 11 (an 8-slot pool fed
/// no-op tasks by one producer, so tens of thousands wait, the worst case for the task list) with nobody looking,
/// with one page open (it asks for the overview, the workers and the first page of tasks, as the page does, once a
/// second: at the start of every round, then each second) and with ten pages open (every 100 ms). The dashboard is
/// served by Kestrel on loopback and read over HTTP, in this process: its requests compete for the same two cores.
/// </summary>
internal static class DashboardCost
{
    private const string Nobody = "nobody looking";
    private const string OnePage = "one page open (polls each second)";
    private const string TenPages = "ten pages open (poll every 100 ms)";

    public static void Run(Report report, QuickOptions options)
    {
        int ops = options.Ops(200_000);
        using var supervisor = new TaskSupervisor("bench-dashboard");
        supervisor.SetThreadPool(8);
        var taskOptions = new TaskOptions { Supervisor = supervisor };
        var handles = new TaskHandle[ops];

        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        using var app = builder.Build();
        app.MapAtaskerDashboard("/atasker", dashboard => dashboard.Supervisors.Add(supervisor));
        app.StartAsync().GetAwaiter().GetResult();
        using var client = new HttpClient { BaseAddress = new Uri(app.Urls.First() + "/atasker/") };
        var pollTimes = new List<double>(); // milliseconds per poll (the three requests), over every round

        void Submit(int n) => Scenarios.AtaskerWaitCompleted(n, handles, taskOptions);
        void Watched(int n, TimeSpan period)
        {
            using var stop = new CancellationTokenSource();
            var page = Task.Run(async () =>
            {
                try
                {
                    while (true)
                    {
                        long start = System.Diagnostics.Stopwatch.GetTimestamp();
                        await Task.WhenAll(client.GetStringAsync("api/overview"), client.GetStringAsync("api/workers"), client.GetStringAsync("api/tasks?page=0")).ConfigureAwait(false);
                        lock (pollTimes)
                        {
                            pollTimes.Add(System.Diagnostics.Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                        }
                        await Task.Delay(period, stop.Token).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                    // the round is over
                }
            });
            Submit(n);
            stop.Cancel();
            page.GetAwaiter().GetResult();
        }

        var samples = Rounds.Interleave(
        [
            new(Nobody, Submit),
            new(OnePage, n => Watched(n, TimeSpan.FromSeconds(1))),
            new(TenPages, n => Watched(n, TimeSpan.FromMilliseconds(100))),
        ], ops, options);
        app.StopAsync().GetAwaiter().GetResult();

        report.Title("12. Dashboard cost", $"{ops:N0} no-op tasks per round into 8 slots (the queue runs deep) while the dashboard is read over HTTP in the same process; {pollTimes.Count:N0} page polls in all");
        report.Table(samples, Nobody, "task");
        report.Target("12. Saturated submit time with one dashboard page open / nobody looking", Rounds.Ratio(samples, OnePage, Nobody), 1.05);
        report.Note(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"ten pages open / nobody looking: {Rounds.Ratio(samples, TenPages, Nobody):F2} (no target: a worst case)"));
        report.Note(string.Create(System.Globalization.CultureInfo.InvariantCulture, $"one poll (overview, workers, first page of tasks) with the queue deep: p50 {Rounds.Median(pollTimes):F1} ms, p99 {Rounds.Percentile(pollTimes, 0.99):F1} ms"));
    }
}
