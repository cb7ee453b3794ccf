using System;
using System.Threading;
using System.Threading.Tasks;
using Microsoft.Extensions.Logging;

namespace Atasker;

/// <content>The console entry: a worker as a whole Main, its options from arguments and the environment.</content>
public sealed partial class AtaskerRemoteWorker
{
    /// <summary>
    /// Runs a worker as a console app's whole Main: <c>return await AtaskerRemoteWorker.RunAsync(args);</c>. Options
    /// come from <c>--uri</c>, <c>--queue</c>, <c>--pool-size</c>, <c>--max-deliveries</c> (or the environment
    /// variables <c>ATASKER_RABBITMQ_URI</c>, <c>ATASKER_RABBITMQ_QUEUE</c>); it serves until SIGTERM or Ctrl+C, then
    /// shuts down gracefully. Returns 0, 1 when the broker cannot be reached, 2 on bad arguments.
    /// </summary>
    public static async Task<int> RunAsync(string[] args, ILoggerFactory? loggerFactory = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        RabbitMqOptions options;
        try
        {
            options = ParseArguments(args);
            options.Validate();
        }
        catch (ArgumentException error)
        {
            await Console.Error.WriteLineAsync($"{error.Message}{Environment.NewLine}usage: [--uri amqp://host:port/] [--queue name] [--pool-size n] [--max-deliveries n]").ConfigureAwait(false);
            return 2;
        }

        var worker = new AtaskerRemoteWorker(options, loggerFactory);
        await using var disposing = worker.ConfigureAwait(false);
        using var stop = new CancellationTokenSource();
        using var sigterm = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGTERM, Stop);
        using var sigint = System.Runtime.InteropServices.PosixSignalRegistration.Create(System.Runtime.InteropServices.PosixSignal.SIGINT, Stop);
        try
        {
            await worker.StartAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (RabbitMqPoolException error)
        {
            await Console.Error.WriteLineAsync(error.Message).ConfigureAwait(false);
            return 1;
        }

        Console.WriteLine($"Atasker remote worker {Environment.ProcessId}: consuming '{options.Queue}' at {RabbitMqTopology.Display(options.Uri)}, pool size {options.PoolSize}");
        try
        {
            await Task.Delay(Timeout.Infinite, stop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }

        Console.WriteLine($"Atasker remote worker {Environment.ProcessId}: stopping (running tasks finish and are answered, the rest goes back to the queue)");
        await worker.StopAsync(CancellationToken.None).ConfigureAwait(false);
        Console.WriteLine($"Atasker remote worker {Environment.ProcessId}: stopped ({worker.Completed} completed, {worker.Faulted} faulted, {worker.Canceled} canceled, {worker.DeadLettered} dead-lettered)");
        return 0;

        void Stop(System.Runtime.InteropServices.PosixSignalContext context)
        {
            context.Cancel = true;
            stop.Cancel();
        }
    }

    /// <summary>Parses the console entry's arguments (the environment fills what they leave out).</summary>
    internal static RabbitMqOptions ParseArguments(string[] args)
    {
        var options = new RabbitMqOptions();
        if (Environment.GetEnvironmentVariable("ATASKER_RABBITMQ_URI") is { Length: > 0 } uri)
        {
            options.Uri = ParseUri(uri, "ATASKER_RABBITMQ_URI");
        }

        if (Environment.GetEnvironmentVariable("ATASKER_RABBITMQ_QUEUE") is { Length: > 0 } queue)
        {
            options.Queue = queue;
        }

        for (int i = 0; i < args.Length; i++)
        {
            string name = args[i];
            string value = i + 1 < args.Length ? args[++i] : throw new ArgumentException($"The argument {name} needs a value.", nameof(args));
            switch (name)
            {
                case "--uri":
                    options.Uri = ParseUri(value, name);
                    break;
                case "--queue":
                    options.Queue = value;
                    break;
                case "--pool-size":
                    options.PoolSize = ParseCount(value, name);
                    break;
                case "--max-deliveries":
                    options.MaxDeliveries = ParseCount(value, name);
                    break;
                default:
                    throw new ArgumentException($"Unknown argument '{name}'.", nameof(args));
            }
        }

        return options;

        static Uri ParseUri(string value, string name) =>
            Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri : throw new ArgumentException($"{name}: '{value}' is not an amqp:// address.", nameof(args));

        static int ParseCount(string value, string name) =>
            int.TryParse(value, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int count) && count > 0
                ? count
                : throw new ArgumentException($"{name}: '{value}' is not a whole number of 1 or more.", nameof(args));
    }
}
