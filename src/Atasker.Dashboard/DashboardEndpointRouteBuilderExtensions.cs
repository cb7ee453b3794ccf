using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Atasker.Dashboard;

/// <summary>Maps the Atasker dashboard into an ASP.NET Core app.</summary>
public static partial class DashboardEndpointRouteBuilderExtensions
{
    private static readonly Lazy<byte[]> s_page = new(LoadPage);

    /// <summary>
    /// Maps the dashboard under <paramref name="pattern"/>: the page at the pattern itself, and its data as JSON at
    /// <c>api/overview</c> (supervisors, pools, loops and worker processes), <c>api/workers</c> and
    /// <c>api/tasks?page=N</c>; with <see cref="DashboardOptions.EnableActions"/>, the POST actions under
    /// <c>api/actions/</c> and their token at <c>api/token</c>. Nothing is served unless this is called; secure it like
    /// any endpoint, with the returned builder (<c>.RequireAuthorization(...)</c>).
    /// </summary>
    /// <param name="endpoints">The app's endpoint route builder.</param>
    /// <param name="pattern">Where the dashboard lives, e.g. "/atasker".</param>
    /// <param name="configure">Which supervisors to show and how (by default every registered one).</param>
    /// <returns>The convention builder of the dashboard's endpoints: authorization, CORS, rate limits apply to all.</returns>
    /// <remarks>Outside the Development environment a warning is logged at startup when none of the dashboard's
    /// endpoints requires authorization.</remarks>
    public static IEndpointConventionBuilder MapAtaskerDashboard(this IEndpointRouteBuilder endpoints, string pattern = "/atasker", Action<DashboardOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        ArgumentException.ThrowIfNullOrWhiteSpace(pattern);
        var options = new DashboardOptions();
        configure?.Invoke(options);
        var services = endpoints.ServiceProvider;
        var state = new DashboardState(options, () => Supervisors(options, services));
        state.Watch();

        var group = endpoints.MapGroup(pattern);
        // RequestDelegate handlers and source-generated JSON: no reflection, NativeAOT-safe.
        group.MapGet("/", context =>
        {
            context.Response.Headers.ContentSecurityPolicy = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; connect-src 'self'; img-src 'self' data:";
            context.Response.Headers.XContentTypeOptions = "nosniff";
            context.Response.ContentType = "text/html; charset=utf-8";
            return context.Response.Body.WriteAsync(s_page.Value).AsTask();
        });
        group.MapGet("/api/overview", context =>
        {
            state.Watch();
            return context.Response.WriteAsJsonAsync(state.Overview(DateTimeOffset.UtcNow), DashboardJson.Default.OverviewModel);
        });
        group.MapGet("/api/workers", context =>
        {
            state.Watch();
            return context.Response.WriteAsJsonAsync(state.Workers(), DashboardJson.Default.WorkersModel);
        });
        group.MapGet("/api/tasks", context =>
        {
            int number = 0;
            if (context.Request.Query.TryGetValue("page", out var page)
                && (page.Count != 1 || !int.TryParse(page[0], NumberStyles.None, CultureInfo.InvariantCulture, out number) || number > 1_000_000))
            {
                return DashboardActions.Problem(context, $"'page' must be one whole number from 0 (the first page) to 1000000; got '{page}'.");
            }

            return context.Response.WriteAsJsonAsync(state.Tasks(number, DateTimeOffset.UtcNow), DashboardJson.Default.TasksModel);
        });

        if (options.EnableActions)
        {
            DashboardActions.Map(group, state, services);
        }

        var logger = services.GetService<ILoggerFactory>()?.CreateLogger("Atasker.Dashboard");
        var environment = services.GetService<IHostEnvironment>();
        bool secured = false;
        ((IEndpointConventionBuilder)group).Finally(endpoint => secured |= endpoint.Metadata.OfType<IAuthorizeData>().Any());
        if (logger is not null && environment is not null && !environment.IsDevelopment()
            && services.GetService<IHostApplicationLifetime>() is { } lifetime)
        {
            lifetime.ApplicationStarted.Register(() =>
            {
                // Endpoints are built by now (routing builds them before the server starts).
                _ = endpoints.DataSources.SelectMany(source => source.Endpoints).Count();
                if (!secured)
                {
                    LogUnsecured(logger, pattern, environment.EnvironmentName);
                }
            });
        }

        return group;
    }

    private static TaskSupervisor[] Supervisors(DashboardOptions options, IServiceProvider services)
    {
        if (options.Supervisors.Count > 0)
        {
            return [.. options.Supervisors];
        }

        var registered = services.GetServices<TaskSupervisor>().Distinct().ToArray();
        return registered.Length > 0 ? registered : [TaskSupervisor.Default];
    }

    private static byte[] LoadPage()
    {
        using var stream = typeof(DashboardEndpointRouteBuilderExtensions).Assembly.GetManifestResourceStream("Atasker.Dashboard.dashboard.html")
            ?? throw new InvalidOperationException("The dashboard's page is missing from Atasker.Dashboard.dll.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "The Atasker dashboard at '{Pattern}' requires no authorization in the {Environment} environment: anyone who can reach the app sees its tasks and workers. Call .RequireAuthorization(...) on what MapAtaskerDashboard returns.")]
    private static partial void LogUnsecured(ILogger logger, string pattern, string environment);
}
