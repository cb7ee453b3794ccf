using Microsoft.CodeAnalysis;

namespace Atasker.Generators.Validation;

/// <summary>The worker settings of a <c>[BackgroundWorker]</c> attribute, with the attribute's defaults (priority,
/// kind and loop are read by <see cref="TaskAttributeArguments"/>, as for tasks).</summary>
internal readonly record struct WorkerAttributeArguments(
    double Interval,
    double Delay,
    double DelayBefore,
    bool Queue,
    int QueueCapacity,
    bool Event,
    string? Cron,
    string? TimeZone,
    string? Name)
{
    public static WorkerAttributeArguments Read(AttributeData attribute)
    {
        var arguments = default(WorkerAttributeArguments);
        foreach (var argument in attribute.NamedArguments)
        {
            var value = argument.Value.Value;
            arguments = argument.Key switch
            {
                "Interval" when value is double seconds => arguments with { Interval = seconds },
                "Delay" when value is double seconds => arguments with { Delay = seconds },
                "DelayBefore" when value is double seconds => arguments with { DelayBefore = seconds },
                "Queue" when value is bool flag => arguments with { Queue = flag },
                "QueueCapacity" when value is int capacity => arguments with { QueueCapacity = capacity },
                "Event" when value is bool flag => arguments with { Event = flag },
                "Cron" => arguments with { Cron = value as string },
                "TimeZone" => arguments with { TimeZone = value as string },
                "Name" => arguments with { Name = value as string },
                _ => arguments,
            };
        }

        return arguments;
    }

    /// <summary>The runtime type of the worker, by DESIGN section 6: Queue, then Event, then Cron, then any timing, then
    /// a loop.</summary>
    public string WorkerType => Queue ? "QueueWorker" : Event ? "EventWorker" : Cron is not null ? "CronWorker" : Interval != 0 || Delay != 0 || DelayBefore != 0 ? "IntervalWorker" : "LoopWorker";
}
