namespace Atasker.Generators.Model;

/// <summary>What the emitter needs for a <c>[BackgroundWorker]</c> method's property, beside the common parts of
/// <see cref="TaskMethodModel"/>.</summary>
/// <param name="WorkerType">The runtime type's simple name: LoopWorker, IntervalWorker, EventWorker, QueueWorker or CronWorker.</param>
/// <param name="ItemType">A queue worker's item type, fully qualified; null for the others.</param>
/// <param name="WorkerName">The worker's name: the attribute's Name, or <c>Type.Method</c>.</param>
/// <param name="FieldName">The field that holds the worker once created.</param>
/// <param name="Interval">Seconds, start to start (0: none).</param>
/// <param name="Delay">Seconds after each execution.</param>
/// <param name="DelayBefore">Seconds before each execution.</param>
/// <param name="QueueCapacity">A queue worker's capacity (0: no limit).</param>
/// <param name="Cron">A cron worker's expression; null for the others.</param>
/// <param name="TimeZone">A cron worker's time zone id; null for UTC.</param>
internal sealed record WorkerModel(
    string WorkerType,
    string? ItemType,
    string WorkerName,
    string FieldName,
    double Interval,
    double Delay,
    double DelayBefore,
    int QueueCapacity,
    string? Cron = null,
    string? TimeZone = null)
{
    /// <summary>The property's type, fully qualified.</summary>
    public string PropertyType => "global::Atasker." + WorkerType + (ItemType is null ? "" : "<" + ItemType + ">");
}
