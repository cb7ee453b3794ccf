using System;
using System.Collections.Generic;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;

namespace Atasker;

/// <summary>What producers and workers agree on: the queues, the message properties, the priority mapping, and how
/// a connection is made (automatic recovery on, with a failure that names the broker).</summary>
internal static class RabbitMqTopology
{
    /// <summary>Broker priorities go from 1 (Low) to 4 (Critical).</summary>
    public const byte MaxPriority = 4;

    public const string TaskType = "atasker.task";
    public const string ReplyType = "atasker.reply";
    public const string CancelType = "atasker.cancel";

    /// <summary>Header: the task's name (for logs and the dead-letter queue).</summary>
    public const string TaskHeader = "atasker-task";

    /// <summary>Header: how many deliveries a message had before this copy (absent: none).</summary>
    public const string DeliveriesHeader = "atasker-deliveries";

    /// <summary>Header on dead-lettered copies: why.</summary>
    public const string ReasonHeader = "atasker-reason";

    public static byte ToBroker(TaskPriority priority) => priority switch
    {
        TaskPriority.Low => 1,
        TaskPriority.Normal => 2,
        TaskPriority.High => 3,
        _ => MaxPriority,
    };

    public static async Task<IConnection> ConnectAsync(RabbitMqOptions options, string role, uint maxInboundBytes, CancellationToken cancellationToken)
    {
        var factory = new ConnectionFactory
        {
            Uri = options.Uri,
            AutomaticRecoveryEnabled = true,
            TopologyRecoveryEnabled = true,
            NetworkRecoveryInterval = TimeSpan.FromSeconds(1),
            RequestedHeartbeat = TimeSpan.FromSeconds(30),
            MaxInboundMessageBodySize = maxInboundBytes,
            ClientProvidedName = options.ClientName ?? $"atasker {role} {Environment.MachineName}/{Environment.ProcessId}",
        };
        try
        {
            return await factory.CreateConnectionAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (BrokerUnreachableException error)
        {
            throw new RabbitMqPoolException($"Could not connect to the RabbitMQ broker at {Display(options.Uri)}: {Innermost(error).Message}", error);
        }
    }

    /// <summary>Declares the task queue (durable, priorities, dead-lettering), its dead-letter queue and its cancel
    /// exchange.</summary>
    public static async Task DeclareAsync(IChannel channel, RabbitMqOptions options, CancellationToken cancellationToken)
    {
        try
        {
            await channel.QueueDeclareAsync(options.DeadLetterQueue, durable: true, exclusive: false, autoDelete: false, arguments: null, cancellationToken: cancellationToken).ConfigureAwait(false);
            var arguments = new Dictionary<string, object?>
            {
                ["x-max-priority"] = (int)MaxPriority,
                ["x-dead-letter-exchange"] = "",
                ["x-dead-letter-routing-key"] = options.DeadLetterQueue,
            };
            await channel.QueueDeclareAsync(options.Queue, durable: true, exclusive: false, autoDelete: false, arguments: arguments, cancellationToken: cancellationToken).ConfigureAwait(false);
            await channel.ExchangeDeclareAsync(options.CancelExchange, ExchangeType.Fanout, durable: true, autoDelete: false, arguments: null, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (OperationInterruptedException error)
        {
            throw new RabbitMqPoolException(
                $"Could not declare the queue '{options.Queue}' at {Display(options.Uri)}: {error.ShutdownReason?.ReplyText ?? error.Message}. "
                + $"A queue of that name declared otherwise (not durable, or without x-max-priority {MaxPriority} and dead-lettering to '{options.DeadLetterQueue}') must be deleted or another name chosen.",
                error);
        }
    }

    public static string? Header(IReadOnlyBasicProperties properties, string name) =>
        properties.Headers is { } headers && headers.TryGetValue(name, out var value) ? value switch
        {
            byte[] bytes => Encoding.UTF8.GetString(bytes),
            null => null,
            _ => value.ToString(),
        } : null;

    public static int Deliveries(IReadOnlyBasicProperties properties) =>
        int.TryParse(Header(properties, DeliveriesHeader), out int count) ? count : 0;

    /// <summary>The broker's address without credentials, for messages.</summary>
    public static string Display(Uri uri) => $"{uri.Scheme}://{uri.Host}:{(uri.IsDefaultPort ? 5672 : uri.Port)}{uri.AbsolutePath}";

    private static Exception Innermost(Exception error)
    {
        while (error.InnerException is { } inner)
        {
            error = inner;
        }

        return error;
    }
}
