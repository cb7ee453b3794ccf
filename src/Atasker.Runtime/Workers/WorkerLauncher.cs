using System;
using System.ComponentModel;
using System.Threading.Tasks;

namespace Atasker.CompilerServices;

/// <summary>Helpers of the generated <c>XWorker</c> properties. Not meant to be called by hand.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class WorkerLauncher
{
    /// <summary>A body's Task as the ValueTask a worker takes; a null Task fails the execution with a clear message.</summary>
    public static ValueTask FromTask(Task? task) => new(task ?? throw TaskLauncher.NullTask());

    /// <summary>A body's Task&lt;bool&gt; as the ValueTask&lt;bool&gt; a worker takes.</summary>
    public static ValueTask<bool> FromTask(Task<bool>? task) => new(task ?? throw TaskLauncher.NullTask());

    /// <summary>A loop worker whose executions are process tasks running the generated method <paramref name="methodId"/>.</summary>
    /// <param name="name">The worker's name.</param>
    /// <param name="methodId">The method's id in the generated process dispatcher.</param>
    /// <param name="readResult">Decodes the body's bool; null for a body that returns nothing.</param>
    public static LoopWorker ProcessLoop(string name, ulong methodId, Func<ProcessReader, bool>? readResult) =>
        new(name, new WorkerBody<NoItem>(methodId, null, readResult));

    /// <summary>An interval worker whose executions are process tasks.</summary>
    /// <inheritdoc cref="ProcessLoop"/>
    public static IntervalWorker ProcessInterval(string name, ulong methodId, Func<ProcessReader, bool>? readResult) =>
        new(name, new WorkerBody<NoItem>(methodId, null, readResult));

    /// <summary>An event worker whose executions are process tasks.</summary>
    /// <inheritdoc cref="ProcessLoop"/>
    public static EventWorker ProcessEvent(string name, ulong methodId, Func<ProcessReader, bool>? readResult) =>
        new(name, new WorkerBody<NoItem>(methodId, null, readResult));

    /// <summary>A cron worker whose executions are process tasks.</summary>
    /// <param name="name">The worker's name.</param>
    /// <param name="cron">The cron expression.</param>
    /// <param name="timeZone">The zone it is read in; null for UTC.</param>
    /// <param name="methodId">The method's id in the generated process dispatcher.</param>
    /// <param name="readResult">Decodes the body's bool; null for a body that returns nothing.</param>
    /// <exception cref="ArgumentException">The expression or the zone is not valid.</exception>
    public static CronWorker ProcessCron(string name, string cron, string? timeZone, ulong methodId, Func<ProcessReader, bool>? readResult) =>
        new(name, cron, timeZone, new WorkerBody<NoItem>(methodId, null, readResult));

    /// <summary>A queue worker whose executions are process tasks, each carrying its item.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="name">The worker's name.</param>
    /// <param name="queueCapacity">How many items the queue holds (0: no limit).</param>
    /// <param name="methodId">The method's id in the generated process dispatcher.</param>
    /// <param name="writeItem">Encodes an item for the worker process.</param>
    /// <param name="readResult">Decodes the body's bool; null for a body that returns nothing.</param>
    public static QueueWorker<T> ProcessQueue<T>(string name, int queueCapacity, ulong methodId, Action<ProcessWriter, T> writeItem, Func<ProcessReader, bool>? readResult)
    {
        ArgumentNullException.ThrowIfNull(writeItem);
        return new(name, new WorkerBody<T>(methodId, writeItem, readResult), queueCapacity);
    }
}
