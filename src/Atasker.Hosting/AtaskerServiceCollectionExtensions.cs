using System;
using Atasker;
using Atasker.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Atasker with a host: <c>builder.Services.AddAtasker();</c>.</summary>
public static class AtaskerServiceCollectionExtensions
{
    /// <summary>
    /// Registers <see cref="TaskSupervisor.Default"/> as the <see cref="TaskSupervisor"/> singleton (so stubs without
    /// options use the host's supervisor) and a hosted service that starts it with the host and, on shutdown, lets what
    /// was accepted run until the host's shutdown timeout, then cancels the rest. Calling it again only adds
    /// <paramref name="configure"/>.
    /// </summary>
    /// <param name="services">The services.</param>
    /// <param name="configure">Sets <see cref="AtaskerOptions"/> (checked when the host starts).</param>
    public static IServiceCollection AddAtasker(this IServiceCollection services, Action<AtaskerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddOptions<AtaskerOptions>().ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<AtaskerOptions>, AtaskerOptionsValidator>());
        services.TryAddSingleton(TaskSupervisor.Default);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, AtaskerHostedService>());
        if (configure is not null)
        {
            services.Configure(configure);
        }

        return services;
    }

    /// <summary>Registers Atasker (see <see cref="AddAtasker(IServiceCollection, Action{AtaskerOptions}?)"/>) with
    /// options read from the configuration section "Atasker" (for example appsettings.json), without reflection.</summary>
    /// <param name="services">The services.</param>
    /// <param name="configuration">The app's configuration (the "Atasker" section is read), or the section itself.</param>
    public static IServiceCollection AddAtasker(this IServiceCollection services, IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration is IConfigurationSection { Key: AtaskerOptions.SectionName } given
            ? given
            : configuration.GetSection(AtaskerOptions.SectionName);
        return services.AddAtasker(options => AtaskerConfiguration.Bind(section, options));
    }

    /// <summary>
    /// Starts a worker of a registered service with the host and stops it on shutdown (a queue worker runs the items put
    /// before the stop). Registers Atasker if it is not yet.
    /// </summary>
    /// <typeparam name="TService">A registered service that owns the worker.</typeparam>
    /// <param name="services">The services.</param>
    /// <param name="select">Picks the worker, e.g. <c>reports =&gt; reports.RefreshWorker</c>.</param>
    public static IServiceCollection AddBackgroundWorker<TService>(this IServiceCollection services, Func<TService, BackgroundWorker> select)
        where TService : notnull
    {
        ArgumentNullException.ThrowIfNull(select);
        services.AddAtasker();
        services.AddSingleton<IHostedService>(provider => new BackgroundWorkerHostedService(
            () => select(provider.GetRequiredService<TService>()),
            provider.GetRequiredService<TaskSupervisor>()));
        return services;
    }
}
