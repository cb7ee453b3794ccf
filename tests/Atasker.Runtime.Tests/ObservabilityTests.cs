using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Atasker.Testing;
using Microsoft.Extensions.Logging;

namespace Atasker.Runtime.Tests;

/// <summary>The "Atasker" meter, activity source and log messages. Other tests run at the same time, so what is
/// asserted is that this test's own work shows (by tag, trace id or supervisor), never exact totals.</summary>
public sealed class ObservabilityTests
{
    private static readonly string[] Instruments =
    [
        "atasker.tasks.submitted", "atasker.tasks.finished", "atasker.task.queue_wait", "atasker.task.duration",
        "atasker.pool.active", "atasker.pool.queued", "atasker.worker.executions", "atasker.worker.failures",
    ];

    [Fact]
    public async Task Every_instrument_of_the_Atasker_meter_moves()
    {
        var seen = new ConcurrentDictionary<string, ConcurrentBag<string>>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == "Atasker")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags, object? state) =>
            seen.GetOrAdd(instrument.Name, _ => []).Add(string.Join(",", tags.ToArray().Select(tag => $"{tag.Key}={tag.Value}")));
        listener.SetMeasurementEventCallback<long>(Record);
        listener.SetMeasurementEventCallback<double>(Record);
        listener.SetMeasurementEventCallback<int>(Record);
        listener.Start();

        await using var supervisor = new TaskSupervisor("metered");
        await supervisor.Submit(() => 1, new TaskOptions { Priority = TaskPriority.High });
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await supervisor.Submit(() => throw new InvalidOperationException("boom")));
        var canceled = supervisor.Submit(() => { }, new TaskOptions { Delay = TimeSpan.FromHours(1) });
        canceled.Cancel();
        var worker = new QueueWorker<int>("metered-worker", (item, _) =>
        {
            if (item == 2)
            {
                throw new InvalidDataException();
            }
        });
        worker.Put(1);
        worker.Put(2);
        worker.Start(supervisor);
        worker.Stop();
        listener.RecordObservableInstruments();

        Assert.All(Instruments, name => Assert.True(seen.ContainsKey(name), $"{name} never moved"));
        Assert.Contains("pool=thread,priority=high", seen["atasker.tasks.submitted"]);
        Assert.Contains("pool=thread,priority=normal,outcome=faulted", seen["atasker.tasks.finished"]);
        Assert.Contains("pool=thread,priority=normal,outcome=canceled", seen["atasker.tasks.finished"]);
        Assert.Contains("worker=metered-worker", seen["atasker.worker.failures"]);
        Assert.Contains("supervisor=metered,pool=thread", seen["atasker.pool.active"]);
    }

    [Fact]
    public async Task A_tasks_activity_is_a_child_of_the_submitters_so_a_trace_shows_request_then_background_task()
    {
        using var requests = new ActivitySource("Atasker.Tests.Requests");
        var stopped = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name is "Atasker" or "Atasker.Tests.Requests",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = stopped.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        await using var supervisor = new TaskSupervisor("traced");
        string? seenInBody = null;
        TaskHandle threadTask, asyncTask;
        ActivityTraceId traceId;
        ActivitySpanId requestSpan;
        using (var request = requests.StartActivity("GET /report"))
        {
            traceId = request!.TraceId;
            requestSpan = request.SpanId;
            threadTask = supervisor.Submit(() => seenInBody = Activity.Current?.DisplayName, new TaskOptions { Name = "build-report" });
            asyncTask = supervisor.SubmitAsync(async () => await Task.Yield(), new TaskOptions { Name = "notify" });
        }

        await threadTask;
        await asyncTask;
        var ours = stopped.Where(activity => activity.TraceId == traceId && activity.Source.Name == "Atasker").ToList();

        Assert.Equal(["build-report", "notify"], ours.Select(activity => activity.DisplayName).Order());
        Assert.All(ours, activity => Assert.Equal(requestSpan, activity.ParentSpanId));
        Assert.Equal("build-report", seenInBody); // the body runs under its task's activity
        var build = ours.Single(activity => activity.DisplayName == "build-report");
        Assert.Equal(threadTask.Id, build.GetTagItem("atasker.task.id"));
        Assert.Equal("Thread", build.GetTagItem("atasker.task.kind"));
        Assert.Equal("completed", build.GetTagItem("atasker.task.outcome"));
        Assert.Equal("Async", ours.Single(activity => activity.DisplayName == "notify").GetTagItem("atasker.task.kind"));
    }

    [Fact]
    public async Task Each_message_is_logged_through_the_supervisors_logger_factory()
    {
        var logs = new CapturingLoggerFactory();
        var supervisor = new TaskSupervisor("logged") { LoggerFactory = logs };
        supervisor.SetThreadPool(1);
        supervisor.TimeoutWarning = TimeSpan.FromMilliseconds(50);
        supervisor.TimeoutCritical = TimeSpan.FromMilliseconds(100);

        using var release = new ManualResetEventSlim();
        var blocker = supervisor.Submit(() => release.Wait(Probe.Patience));
        var waiting = supervisor.Submit(() => { });
        Supervisors.Eventually(() => logs.Has(5), "the critical queue wait is logged");
        release.Set();
        await waiting;
        await blocker;

        DropAFaultedTask(supervisor, "nobody looks");
        var awaited = supervisor.Submit(() => throw new InvalidOperationException("awaited"));
        Supervisors.Eventually(() => awaited.IsFinished, "the task faulted");
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await awaited); // looked at after it faulted
        GC.Collect();
        GC.WaitForPendingFinalizers();

        var worker = new EventWorker("logged-worker", (Action<CancellationToken>)(_ => throw new InvalidDataException("worker body")));
        worker.Start(supervisor);
        worker.Trigger();
        Supervisors.Eventually(() => worker.Failures == 1, "the worker failed once");
        worker.Stop();
        await supervisor.StopAsync();

        Assert.True(logs.Has(1), "supervisor started");
        Assert.True(logs.Has(2), "supervisor stopped");
        Assert.Contains(logs.Entries, entry => entry.EventId == 3 && entry.Exception?.Message == "nobody looks" && entry.Level == LogLevel.Warning);
        Assert.DoesNotContain(logs.Entries, entry => entry.EventId == 3 && entry.Exception?.Message is "awaited" or "worker body");
        Assert.Contains(logs.Entries, entry => entry.EventId == 4 && entry.Level == LogLevel.Warning && entry.Message.Contains("thread pool", StringComparison.Ordinal));
        Assert.Contains(logs.Entries, entry => entry.EventId == 6 && entry.Message.Contains("'logged-worker'", StringComparison.Ordinal) && entry.Exception is InvalidDataException);
        Assert.All(logs.Entries, entry => Assert.Equal("Atasker", entry.Category));
    }

    /// <summary>Submits a task that faults, waits for it without looking at the failure, and drops the handle.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
    private static void DropAFaultedTask(TaskSupervisor supervisor, string message)
    {
        var reference = Submit();
        Supervisors.Eventually(() => !reference.TryGetTarget(out var task) || task.IsFinished, "the dropped task faulted");
        Supervisors.Eventually(
            () =>
            {
                GC.Collect();
                GC.WaitForPendingFinalizers();
                return !reference.TryGetTarget(out _);
            },
            "the dropped handle was collected");

        [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
        WeakReference<TaskHandle> Submit() => new(supervisor.Submit(() => throw new InvalidOperationException(message)));
    }
}
