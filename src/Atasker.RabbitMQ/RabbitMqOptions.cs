using System;

namespace Atasker;

/// <summary>
/// Where and how process tasks travel through RabbitMQ, for both sides: producers
/// (<see cref="RabbitMqSupervisorExtensions.UseRabbitMqAsync"/>) and workers (<see cref="AtaskerRemoteWorker"/>).
/// Both sides of one queue must agree on <see cref="Queue"/>; the other settings are each side's own.
/// </summary>
public sealed class RabbitMqOptions
{
    /// <summary>The largest <see cref="MaxMessageBytes"/>: RabbitMQ's own limit on a message.</summary>
    public const int MaxMessageBytesLimit = 512 * 1024 * 1024;

    /// <summary>The broker. Default <c>amqp://guest:guest@localhost:5672/</c>.</summary>
    public Uri Uri { get; set; } = new("amqp://guest:guest@localhost:5672/");

    /// <summary>The durable task queue (declared with <c>x-max-priority</c> by whichever side comes first).
    /// Default <c>atasker.tasks</c>.</summary>
    public string Queue { get; set; } = "atasker.tasks";

    /// <summary>Where refused and poison messages go: <see cref="Queue"/> followed by <c>.dead</c>.</summary>
    public string DeadLetterQueue => Queue + ".dead";

    /// <summary>The fanout exchange producers send cancels to and every worker of <see cref="Queue"/> listens on:
    /// <see cref="Queue"/> followed by <c>.cancel</c>.</summary>
    public string CancelExchange => Queue + ".cancel";

    /// <summary>The largest task (encoded arguments) or result a message may carry, in bytes. A producer refuses a
    /// larger task at once (its handle faults), a worker dead-letters one. Default 16 MiB.</summary>
    public int MaxMessageBytes { get; set; } = 16 * 1024 * 1024;

    /// <summary>Producer: how long a task may wait to be published and confirmed by the broker, reconnections
    /// included, before its handle faults. Default 30 seconds.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Producer: how long a lost connection may take to come back before the handles still waiting for
    /// replies fault. Default 60 seconds. (Workers reconnect for as long as it takes.)</summary>
    public TimeSpan ReconnectTimeout { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>Producer: how long a published task may wait for its reply before its handle faults; infinite by
    /// default (a task may legitimately wait behind a long backlog).</summary>
    public TimeSpan ReplyTimeout { get; set; } = System.Threading.Timeout.InfiniteTimeSpan;

    /// <summary>Producer: the process pool's size once the pool is installed, i.e. how many tasks may be in flight
    /// at once; 0 (the default) for no limit, so the backlog waits in the broker, ordered by priority.</summary>
    public int MaxInFlight { get; set; }

    /// <summary>Worker: how many tasks it runs at once, which is also its prefetch. Default: the processor count.</summary>
    public int PoolSize { get; set; } = Environment.ProcessorCount;

    /// <summary>Worker: how many times a message may be delivered without an answer (its worker died or lost the
    /// connection each time) before it is dead-lettered as poison. Default 5.</summary>
    public int MaxDeliveries { get; set; } = 5;

    /// <summary>Worker: on shutdown, how long running tasks may take to finish before their tokens are canceled
    /// (a canceled task goes back to the queue for another worker). Default 30 seconds.</summary>
    public TimeSpan ShutdownTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>A name for the connections in the broker's management tools. Default: machine and process id.</summary>
    public string? ClientName { get; set; }

    /// <summary>Throws when a setting is out of range, naming it.</summary>
    /// <exception cref="ArgumentException">A setting is invalid.</exception>
    public void Validate()
    {
        if (Uri is null || (Uri.Scheme != "amqp" && Uri.Scheme != "amqps"))
        {
            throw new ArgumentException($"RabbitMqOptions.Uri must be an amqp:// or amqps:// address, not '{Uri}'.", nameof(Uri));
        }

        if (string.IsNullOrWhiteSpace(Queue) || Queue.Length > 200)
        {
            throw new ArgumentException($"RabbitMqOptions.Queue must be a queue name of 1 to 200 characters, not '{Queue}'.", nameof(Queue));
        }

        if (MaxMessageBytes is < 1 or > MaxMessageBytesLimit)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxMessageBytes), MaxMessageBytes, $"RabbitMqOptions.MaxMessageBytes must be between 1 and {MaxMessageBytesLimit}.");
        }

        Positive(PublishTimeout, nameof(PublishTimeout));
        Positive(ReconnectTimeout, nameof(ReconnectTimeout));
        Positive(ReplyTimeout, nameof(ReplyTimeout));
        Positive(ShutdownTimeout, nameof(ShutdownTimeout));
        if (MaxInFlight < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxInFlight), MaxInFlight, "RabbitMqOptions.MaxInFlight must be 0 (no limit) or more.");
        }

        if (PoolSize is < 1 or > ushort.MaxValue)
        {
            throw new ArgumentOutOfRangeException(nameof(PoolSize), PoolSize, $"RabbitMqOptions.PoolSize must be between 1 and {ushort.MaxValue} (it is the worker's prefetch).");
        }

        if (MaxDeliveries < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxDeliveries), MaxDeliveries, "RabbitMqOptions.MaxDeliveries must be 1 or more.");
        }
    }

    /// <summary>A copy, so that a running producer or worker is not changed under it.</summary>
    internal RabbitMqOptions Clone() => (RabbitMqOptions)MemberwiseClone();

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero && value != System.Threading.Timeout.InfiniteTimeSpan)
        {
            throw new ArgumentOutOfRangeException(name, value, $"RabbitMqOptions.{name} must be positive (or infinite).");
        }
    }
}
