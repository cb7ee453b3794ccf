using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Atasker.Dashboard;

/// <summary>
/// What the dashboard remembers between requests: the pool snapshots of the last minute (taken when the data is asked
/// for, at most one per second, so a dashboard nobody looks at costs nothing), and each worker's recent errors (its
/// Error event, subscribed to once the worker is first seen).
/// </summary>
internal sealed class DashboardState(DashboardOptions options, Func<IReadOnlyList<TaskSupervisor>> supervisors)
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan MinSpacing = TimeSpan.FromSeconds(0.9);

    private readonly object _gate = new();
    private readonly ConditionalWeakTable<TaskSupervisor, History> _histories = new();
    private readonly ConditionalWeakTable<BackgroundWorker, ErrorLog> _errors = new();

    public IReadOnlyList<TaskSupervisor> Supervisors => supervisors();

    public OverviewModel Overview(DateTimeOffset now)
    {
        var models = new List<SupervisorModel>();
        foreach (var supervisor in Supervisors)
        {
            var info = supervisor.GetInfo();
            // One pass over the unfinished tasks: the running ones by pool (kind) and priority.
            var activeByKind = new[] { new int[4], new int[4], new int[4] };
            foreach (var task in supervisor.GetTasks())
            {
                if (task.State == TaskState.Started)
                {
                    activeByKind[(int)task.Kind][(int)task.Priority]++;
                }
            }
            var history = _histories.GetValue(supervisor, static _ => new History());
            Sample sample = new(now, info);
            Sample[] window;
            lock (_gate)
            {
                history.Add(sample, now);
                window = [.. history.Samples];
            }

            var processes = supervisor.GetProcessWorkers();
            models.Add(new SupervisorModel(
                supervisor.Id,
                info.IsActive,
                [Pool("thread", TaskKind.Thread, info.Thread), Pool("async", TaskKind.Async, info.Async), Pool("process", TaskKind.Process, info.Process)],
                Loops(supervisor, info.Loops),
                new ProcessWorkersModel(
                    [.. processes.Workers.Select(w => new ProcessWorkerModel(w.ProcessId, w.StartedAt, w.TasksServed, w.TaskId))],
                    processes.Started,
                    processes.Lost),
                info.Workers.Count));

            PoolModel Pool(string name, TaskKind kind, PoolInfo pool)
            {
                var active = activeByKind[(int)kind];

                var first = window[0];
                var firstPool = first.Of(kind);
                double seconds = (now - first.At).TotalSeconds;
                var waits = pool.QueueWaits.Since(firstPool.QueueWaits);
                var chart = new List<double>(window.Length);
                for (int i = 1; i < window.Length; i++)
                {
                    double span = (window[i].At - window[i - 1].At).TotalSeconds;
                    chart.Add(span <= 0 ? 0 : Math.Round((window[i].Of(kind).Ended - window[i - 1].Of(kind).Ended) / span, 1));
                }

                return new PoolModel(
                    name,
                    pool.Limits.PoolSize,
                    pool.Limits.ReserveNormal,
                    pool.Limits.ReserveHigh,
                    pool.Active,
                    pool.Queued,
                    active,
                    [.. pool.QueuedByPriority, 0],
                    seconds <= 0 ? 0 : Math.Round((pool.Ended - firstPool.Ended) / seconds, 1),
                    waits.Percentile(0.5).TotalMilliseconds,
                    waits.Percentile(0.99).TotalMilliseconds,
                    chart);
            }
        }

        return new OverviewModel(now, options.EnableActions, models);
    }

    private static List<LoopModel> Loops(TaskSupervisor supervisor, IReadOnlyList<string> names)
    {
        var loops = new List<LoopModel>(names.Count);
        foreach (string name in names)
        {
            try
            {
                var loop = supervisor.GetLoop(name);
                loops.Add(new LoopModel(name, loop.IsActive, loop.TaskCount));
            }
            catch (ArgumentException)
            {
                // Stopped and forgotten since the snapshot was taken.
            }
        }

        return loops;
    }

    /// <summary>The workers of <paramref name="supervisor"/>: those started and not stopped, then those the dashboard has
    /// seen there that are stopped now (so they can be started again).</summary>
    public List<BackgroundWorker> WorkersOf(TaskSupervisor supervisor)
    {
        var workers = supervisor.GetWorkers().ToList();
        foreach (var (worker, _) in _errors)
        {
            if (!worker.IsActive && worker.Supervisor == supervisor && !workers.Contains(worker))
            {
                workers.Add(worker);
            }
        }

        return workers;
    }

    public WorkersModel Workers()
    {
        var models = new List<WorkerModel>();
        foreach (var supervisor in Supervisors)
        {
            foreach (var worker in WorkersOf(supervisor))
            {
                var log = _errors.GetValue(worker, key => new ErrorLog(key, options.ErrorsPerWorker));
                var info = worker.GetInfo();
                models.Add(new WorkerModel(
                    supervisor.Id,
                    info.Name,
                    info.Type.ToString(),
                    info.IsActive,
                    info.Priority.ToString(),
                    info.Kind.ToString(),
                    info.Executions,
                    info.Failures,
                    info.LastExecuted,
                    info.NextRun,
                    info.Queued,
                    worker is IntervalWorker or EventWorker or CronWorker,
                    log.Snapshot()));
            }
        }

        return new WorkersModel(models);
    }

    public TasksModel Tasks(int page, DateTimeOffset now)
    {
        // A deep queue holds hundreds of thousands of tasks and the page shows a hundred: keep only the first
        // (page + 1) pages in a bounded heap (one pass, no sort of the whole list), running tasks first, then by id.
        int size = options.TaskPageSize;
        int keep = (int)Math.Min(int.MaxValue, (long)(page + 1) * size);
        var heap = new PriorityQueue<(TaskSupervisor Supervisor, TaskHandle Task), (int Rank, long Id)>(Math.Min(keep, 1024), LastFirst.Instance);
        int total = 0;
        foreach (var supervisor in Supervisors)
        {
            foreach (var task in supervisor.GetTasks())
            {
                total++;
                var key = (task.State == TaskState.Started ? 0 : 1, task.Id);
                if (heap.Count < keep)
                {
                    heap.Enqueue((supervisor, task), key);
                }
                else if (heap.TryPeek(out _, out var last) && LastFirst.Instance.Compare(key, last) > 0)
                {
                    heap.EnqueueDequeue((supervisor, task), key);
                }
            }
        }

        var first = new (TaskSupervisor Supervisor, TaskHandle Task)[heap.Count];
        for (int i = first.Length - 1; i >= 0; i--)
        {
            first[i] = heap.Dequeue();
        }

        var models = first.Skip(page * size).Select(pair =>
        {
            var task = pair.Task;
            var started = task.StartedAt;
            return new TaskModel(
                pair.Supervisor.Id,
                task.Id,
                task.Name,
                task.Priority.ToString(),
                task.Kind.ToString(),
                task.State.ToString(),
                task.QueuedAt,
                started,
                Math.Max(0, ((started ?? now) - task.QueuedAt).TotalMilliseconds),
                started is { } at ? Math.Max(0, (now - at).TotalMilliseconds) : 0);
        }).ToList();
        return new TasksModel(total, page, size, models);
    }

    /// <summary>Orders the heap of <see cref="Tasks"/> so that the task listed last is on top (dequeued first).</summary>
    private sealed class LastFirst : IComparer<(int Rank, long Id)>
    {
        public static readonly LastFirst Instance = new();

        public int Compare((int Rank, long Id) x, (int Rank, long Id) y) => y.CompareTo(x);
    }

    /// <summary>Subscribes to the Error event of every worker started now, so its errors are kept from here on.</summary>
    public void Watch()
    {
        foreach (var supervisor in Supervisors)
        {
            foreach (var worker in supervisor.GetWorkers())
            {
                _ = _errors.GetValue(worker, key => new ErrorLog(key, options.ErrorsPerWorker));
            }
        }
    }

    private readonly record struct Sample(DateTimeOffset At, SupervisorInfo Info)
    {
        public PoolInfo Of(TaskKind kind) => kind switch
        {
            TaskKind.Async => Info.Async,
            TaskKind.Process => Info.Process,
            _ => Info.Thread,
        };
    }

    private sealed class History
    {
        public List<Sample> Samples { get; } = [];

        public void Add(Sample sample, DateTimeOffset now)
        {
            if (Samples.Count == 0 || now - Samples[^1].At >= MinSpacing)
            {
                Samples.Add(sample);
            }
            else if (Samples.Count > 1)
            {
                Samples[^1] = sample; // too soon for a new one: refresh the latest (the first stays as the base)
            }

            int old = Samples.FindIndex(s => now - s.At <= Window);
            if (old > 0)
            {
                Samples.RemoveRange(0, old - 1); // one sample at or before the window's start stays as its base
            }
        }
    }

    private sealed class ErrorLog
    {
        private readonly Queue<WorkerErrorModel> _recent = new();
        private readonly int _capacity;

        public ErrorLog(BackgroundWorker worker, int capacity)
        {
            _capacity = Math.Max(1, capacity);
            worker.Error += OnError;
        }

        public IReadOnlyList<WorkerErrorModel> Snapshot()
        {
            lock (_recent)
            {
                return [.. _recent.Reverse()];
            }
        }

        private void OnError(object? sender, WorkerErrorEventArgs e)
        {
            var model = new WorkerErrorModel(
                DateTimeOffset.UtcNow,
                e.Exception.GetType().FullName ?? e.Exception.GetType().Name,
                e.Exception.Message,
                e.Exception.StackTrace ?? "",
                e.HasItem ? Convert.ToString(e.Item, System.Globalization.CultureInfo.InvariantCulture) : null);
            lock (_recent)
            {
                _recent.Enqueue(model);
                while (_recent.Count > _capacity)
                {
                    _ = _recent.Dequeue();
                }
            }
        }
    }
}
