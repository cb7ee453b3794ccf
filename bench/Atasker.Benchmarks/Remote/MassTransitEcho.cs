using MassTransit;

namespace Atasker.Benchmarks.Remote;

/// <summary>The request MassTransit carries (Atasker's side is <see cref="Workloads.Echo"/>).</summary>
public sealed record EchoRequest(int Value);

/// <summary>The reply.</summary>
public sealed record EchoReply(int Value);

/// <summary>Answers every request with its value, as the Atasker process task does.</summary>
public sealed class EchoConsumer : IConsumer<EchoRequest>
{
    public Task Consume(ConsumeContext<EchoRequest> context) => context.RespondAsync(new EchoReply(context.Message.Value));
}

/// <summary>MassTransit 8.5 over RabbitMQ as its documentation sets it up for request/response, at its fastest
/// documented settings: a receive endpoint per worker process with PrefetchCount and ConcurrentMessageLimit equal to
/// the concurrency asked for; the request client's replies on the bus's own temporary queue.</summary>
internal static class MassTransitEcho
{
    /// <summary>A worker process's whole life: consumes <paramref name="queue"/> until its standard input closes.</summary>
    public static async Task<int> ServeAsync(Uri broker, string queue, int concurrency)
    {
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg =>
        {
            cfg.Host(broker);
            cfg.ReceiveEndpoint(queue, e =>
            {
                e.PrefetchCount = concurrency;
                e.ConcurrentMessageLimit = concurrency;
                e.Consumer<EchoConsumer>();
            });
        });
        await bus.StartAsync().ConfigureAwait(false);
        try
        {
            Console.WriteLine($"masstransit worker {Environment.ProcessId} consuming {queue}");
            await Console.In.ReadToEndAsync().ConfigureAwait(false);
            return 0;
        }
        finally
        {
            await bus.StopAsync().ConfigureAwait(false);
        }
    }

    /// <summary>The producer side: a started bus and a request client for <paramref name="queue"/>.</summary>
    public static async Task<(IBusControl Bus, IRequestClient<EchoRequest> Client)> ConnectAsync(Uri broker, string queue)
    {
        var bus = Bus.Factory.CreateUsingRabbitMq(cfg => cfg.Host(broker));
        await bus.StartAsync().ConfigureAwait(false);
        return (bus, bus.CreateRequestClient<EchoRequest>(new Uri($"queue:{queue}"), RequestTimeout.After(m: 1)));
    }
}
