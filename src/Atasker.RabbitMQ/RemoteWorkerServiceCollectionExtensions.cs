using System;
using Atasker;
using Microsoft.Extensions.Logging;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers an <see cref="AtaskerRemoteWorker"/> with a host.</summary>
public static class RemoteWorkerServiceCollectionExtensions
{
    /// <summary>
    /// Runs an <see cref="AtaskerRemoteWorker"/> with the host: it starts consuming when the host starts and stops
    /// gracefully (running tasks finish and are answered) when the host stops. The app must reference the process
    /// tasks it serves.
    /// </summary>
    /// <exception cref="ArgumentException">An option is invalid (named), when the host builds the worker.</exception>
    public static IServiceCollection AddAtaskerRemoteWorker(this IServiceCollection services, Action<RabbitMqOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configure);
        services.AddHostedService(provider =>
        {
            var options = new RabbitMqOptions();
            configure(options);
            return new AtaskerRemoteWorker(options, provider.GetService<ILoggerFactory>());
        });
        return services;
    }
}
