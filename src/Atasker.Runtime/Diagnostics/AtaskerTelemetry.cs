using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Threading;

namespace Atasker;

/// <summary>
/// The meter and the activity source named "Atasker". Every instrument is checked for a listener before anything is
/// measured, so with nobody listening a task pays one branch per instrument.
/// </summary>
/// <remarks>Instruments (OpenTelemetry naming; durations in seconds):
/// <c>atasker.tasks.submitted</c> and <c>atasker.tasks.finished</c> (counters; tags pool, priority, and outcome for
/// finished), <c>atasker.task.queue_wait</c> and <c>atasker.task.duration</c> (histograms; tags pool, priority),
/// <c>atasker.pool.active</c> and <c>atasker.pool.queued</c> (observable gauges; tags supervisor, pool),
/// <c>atasker.worker.executions</c> and <c>atasker.worker.failures</c> (counters; tag worker).</remarks>
internal static class AtaskerTelemetry
{
    public const string Name = "Atasker";

    public static readonly Meter Meter = new(Name, typeof(AtaskerTelemetry).Assembly.GetName().Version?.ToString());

    public static readonly ActivitySource Source = new(Name, typeof(AtaskerTelemetry).Assembly.GetName().Version?.ToString());

    private static readonly string[] s_priorities = ["low", "normal", "high", "critical"];
    private static readonly Dictionary<TaskState, string> s_outcomes = new()
    {
        [TaskState.Completed] = "completed",
        [TaskState.Faulted] = "faulted",
        [TaskState.Canceled] = "canceled",
    };

    private static readonly Counter<long> s_submitted = Meter.CreateCounter<long>(
        "atasker.tasks.submitted", "{task}", "Tasks accepted by a supervisor.");

    private static readonly Counter<long> s_finished = Meter.CreateCounter<long>(
        "atasker.tasks.finished", "{task}", "Tasks that reached a final state, by outcome.");

    private static readonly Histogram<double> s_queueWait = Meter.CreateHistogram<double>(
        "atasker.task.queue_wait", "s", "Time from being queued to starting.");

    private static readonly Histogram<double> s_duration = Meter.CreateHistogram<double>(
        "atasker.task.duration", "s", "Time from starting to ending.");

    private static readonly Counter<long> s_workerExecutions = Meter.CreateCounter<long>(
        "atasker.worker.executions", "{execution}", "Worker executions that ended.");

    private static readonly Counter<long> s_workerFailures = Meter.CreateCounter<long>(
        "atasker.worker.failures", "{execution}", "Worker executions that failed.");

    private static readonly List<WeakReference<TaskSupervisor>> s_supervisors = [];

    static AtaskerTelemetry()
    {
        Meter.CreateObservableGauge("atasker.pool.active", () => ObservePools(active: true), "{task}", "Tasks holding a slot of a pool.");
        Meter.CreateObservableGauge("atasker.pool.queued", () => ObservePools(active: false), "{task}", "Tasks waiting for a slot of a pool.");
    }

    /// <summary>Starts the activity of a task that is starting (its parent: the submitter's activity) and makes it
    /// current on the calling thread; the caller restores the previous one.</summary>
    public static Activity? StartTask(TaskHandle task, ActivityContext parent)
    {
        var activity = Source.StartActivity(task.Name ?? "task", ActivityKind.Internal, parent);
        if (activity is { IsAllDataRequested: true })
        {
            activity.SetTag("atasker.task.id", task.Id);
            activity.SetTag("atasker.task.kind", task.Kind.ToString());
            activity.SetTag("atasker.task.priority", s_priorities[(int)task.Priority]);
            activity.SetTag("atasker.task.queue_wait", (task.StartedAt - task.QueuedAt)?.TotalSeconds);
        }

        return activity;
    }

    /// <summary>Ends a task's activity with its outcome.</summary>
    public static void StopTask(Activity activity, TaskState outcome, Exception? failure)
    {
        activity.SetTag("atasker.task.outcome", s_outcomes[outcome]);
        if (outcome == TaskState.Faulted)
        {
            activity.SetStatus(ActivityStatusCode.Error, failure?.Message);
        }

        activity.Stop();
    }

    /// <summary>Lets the pool gauges observe a supervisor for as long as it lives.</summary>
    public static void Track(TaskSupervisor supervisor)
    {
        lock (s_supervisors)
        {
            s_supervisors.RemoveAll(reference => !reference.TryGetTarget(out _));
            s_supervisors.Add(new WeakReference<TaskSupervisor>(supervisor));
        }
    }

    public static void OnSubmitted(TaskHandle task)
    {
        if (s_submitted.Enabled)
        {
            s_submitted.Add(1, new("pool", task.Pool.Name), new("priority", s_priorities[(int)task.Priority]));
        }
    }

    public static void OnFinished(TaskHandle task, TaskState outcome, long queued, long started, long ended)
    {
        if (s_finished.Enabled)
        {
            s_finished.Add(1, new("pool", task.Pool.Name), new("priority", s_priorities[(int)task.Priority]), new("outcome", s_outcomes[outcome]));
        }

        if (started != 0 && (s_queueWait.Enabled || s_duration.Enabled))
        {
            var pool = new KeyValuePair<string, object?>("pool", task.Pool.Name);
            var priority = new KeyValuePair<string, object?>("priority", s_priorities[(int)task.Priority]);
            var clock = task.Supervisor.Clock;
            s_queueWait.Record(clock.Elapsed(queued, started).TotalSeconds, pool, priority);
            s_duration.Record(clock.Elapsed(started, ended).TotalSeconds, pool, priority);
        }
    }

    public static void OnWorkerExecution(BackgroundWorker worker, bool failed)
    {
        if (s_workerExecutions.Enabled)
        {
            s_workerExecutions.Add(1, new KeyValuePair<string, object?>("worker", worker.Name));
        }

        if (failed && s_workerFailures.Enabled)
        {
            s_workerFailures.Add(1, new KeyValuePair<string, object?>("worker", worker.Name));
        }
    }

    private static List<Measurement<int>> ObservePools(bool active)
    {
        var measurements = new List<Measurement<int>>();
        lock (s_supervisors)
        {
            foreach (var reference in s_supervisors)
            {
                if (!reference.TryGetTarget(out var supervisor))
                {
                    continue;
                }

                var (thread, async, process) = supervisor.GetPoolInfo();
                var id = new KeyValuePair<string, object?>("supervisor", supervisor.Id);
                foreach (var (name, pool) in new[] { ("thread", thread), ("async", async), ("process", process) })
                {
                    measurements.Add(new Measurement<int>(active ? pool.Active : pool.Queued, id, new KeyValuePair<string, object?>("pool", name)));
                }
            }
        }

        return measurements;
    }
}
