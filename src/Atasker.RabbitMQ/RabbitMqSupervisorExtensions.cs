using System;
using System.Threading;
using System.Threading.Tasks;

namespace Atasker;

/// <summary>Sends a supervisor's process tasks through RabbitMQ.</summary>
public static class RabbitMqSupervisorExtensions
{
    /// <summary>
    /// Connects to the broker and routes every <see cref="TaskKind.Process"/> task of <paramref name="supervisor"/>
    /// to its workers from now on (the same methods, no other change). The process pool's size becomes
    /// <see cref="RabbitMqOptions.MaxInFlight"/> (no limit by default: the backlog waits in the broker, by priority).
    /// Dispose the returned pool when done; <see cref="TaskSupervisor.UseRemoteProcessPool"/> with null goes back to
    /// local worker processes.
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid (named).</exception>
    /// <exception cref="RabbitMqPoolException">The broker is unreachable or a queue cannot be declared.</exception>
    public static async Task<RabbitMqProcessPool> UseRabbitMqAsync(this TaskSupervisor supervisor, RabbitMqOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(supervisor);
        var pool = await RabbitMqProcessPool.ConnectAsync(options, cancellationToken).ConfigureAwait(false);
        supervisor.SetProcessPool(options.MaxInFlight);
        supervisor.UseRemoteProcessPool(pool);
        return pool;
    }
}
