using System;
using System.Globalization;
using System.Linq;
using System.Threading.Tasks;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Atasker.Dashboard;

/// <summary>
/// The dashboard's actions (mapped only with <see cref="DashboardOptions.EnableActions"/>): POST endpoints taking form
/// fields, each checked against the antiforgery token first. A request naming what does not exist, or limits out of
/// range, gets a 400 that says which field was wrong, and changes nothing.
/// </summary>
internal static class DashboardActions
{
    /// <summary>The largest pool size or reserve an action may set.</summary>
    private const int MaxLimit = 1_000_000;

    public static void Map(RouteGroupBuilder group, DashboardState state, IServiceProvider services)
    {
        var antiforgery = services.GetService<IAntiforgery>()
            ?? throw new InvalidOperationException("The Atasker dashboard's actions (EnableActions) need antiforgery tokens: call builder.Services.AddAntiforgery() before mapping the dashboard.");

        group.MapGet("/api/token", context =>
        {
            var tokens = antiforgery.GetAndStoreTokens(context);
            context.Response.Headers.CacheControl = "no-store";
            return context.Response.WriteAsJsonAsync(new TokenModel(tokens.HeaderName ?? "RequestVerificationToken", tokens.RequestToken ?? ""), DashboardJson.Default.TokenModel);
        });
        group.MapPost("/api/actions/cancel", context => Act(context, antiforgery, form =>
        {
            var supervisor = Supervisor(state, form);
            string text = Field(form, "task");
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out long id))
            {
                throw new ActionException($"'task' must be a task id (a whole number); got '{text}'.");
            }

            var task = supervisor.GetTask(id)
                ?? throw new ActionException($"Supervisor '{supervisor.Id}' has no unfinished task {id} (it may have ended).");
            return task.Cancel() ? $"Cancel requested for task {id} '{task.Name}'." : $"Task {id} '{task.Name}' had already ended.";
        }));
        group.MapPost("/api/actions/worker", context => Act(context, antiforgery, form =>
        {
            state.Watch(); // a worker stopped from here stays listed, to be started again
            var supervisor = Supervisor(state, form);
            string name = Field(form, "worker");
            var matches = state.WorkersOf(supervisor).Where(w => w.Name == name).ToList();
            var worker = matches.Count switch
            {
                0 => throw new ActionException($"Supervisor '{supervisor.Id}' has no worker named '{name}'."),
                1 => matches[0],
                _ => throw new ActionException($"Supervisor '{supervisor.Id}' has {matches.Count} workers named '{name}'; give them distinct names to act on one."),
            };
            return Field(form, "do") switch
            {
                "trigger" => Trigger(worker),
                "stop" => Stop(worker),
                "start" => Start(worker, supervisor),
                var other => throw new ActionException($"'do' must be trigger, stop or start; got '{other}'."),
            };
        }));
        group.MapPost("/api/actions/limits", context => Act(context, antiforgery, form =>
        {
            var supervisor = Supervisor(state, form);
            string pool = Field(form, "pool");
            Action<int, int, int> set = pool switch
            {
                "thread" => supervisor.SetThreadPool,
                "async" => supervisor.SetAsyncPool,
                "process" => supervisor.SetProcessPool,
                _ => throw new ActionException($"'pool' must be thread, async or process; got '{pool}'."),
            };
            int size = Limit(form, "poolSize"), normal = Limit(form, "reserveNormal"), high = Limit(form, "reserveHigh");
            set(size, normal, high);
            return $"The {pool} pool of '{supervisor.Id}' now has limits ({size}, {normal}, {high}).";
        }));
    }

    private static async Task Act(HttpContext context, IAntiforgery antiforgery, Func<IFormCollection, string> action)
    {
        string done;
        try
        {
            await antiforgery.ValidateRequestAsync(context).ConfigureAwait(false);
            if (!context.Request.HasFormContentType)
            {
                throw new ActionException("An action takes form fields (application/x-www-form-urlencoded or multipart/form-data).");
            }

            done = action(await context.Request.ReadFormAsync(context.RequestAborted).ConfigureAwait(false));
        }
        catch (AntiforgeryValidationException)
        {
            await Problem(context, "The antiforgery token is missing or invalid: get one from api/token and send it in its header with the cookie.").ConfigureAwait(false);
            return;
        }
        catch (ActionException error)
        {
            await Problem(context, error.Message).ConfigureAwait(false);
            return;
        }

        await context.Response.WriteAsJsonAsync(new ActionModel(done), DashboardJson.Default.ActionModel).ConfigureAwait(false);
    }

    internal static Task Problem(HttpContext context, string message)
    {
        context.Response.StatusCode = StatusCodes.Status400BadRequest;
        return context.Response.WriteAsJsonAsync(new ProblemModel(message), DashboardJson.Default.ProblemModel);
    }

    private static string Field(IFormCollection form, string name) =>
        form.TryGetValue(name, out var values) && values.Count == 1 && !string.IsNullOrEmpty(values[0])
            ? values[0]!
            : throw new ActionException($"The form field '{name}' is required, once.");

    private static TaskSupervisor Supervisor(DashboardState state, IFormCollection form)
    {
        string id = Field(form, "supervisor");
        return state.Supervisors.FirstOrDefault(s => s.Id == id)
            ?? throw new ActionException($"The dashboard shows no supervisor '{id}'.");
    }

    private static int Limit(IFormCollection form, string name)
    {
        string text = Field(form, name);
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value <= MaxLimit
            ? value
            : throw new ActionException($"'{name}' must be a whole number from 0 to {MaxLimit}; got '{text}'.");
    }

    private static string Trigger(BackgroundWorker worker)
    {
        if (!worker.IsActive)
        {
            throw new ActionException($"Worker '{worker.Name}' is stopped: start it before triggering it.");
        }

        switch (worker)
        {
            case IntervalWorker interval:
                interval.Trigger();
                break;
            case EventWorker signaled:
                signaled.Trigger();
                break;
            case CronWorker cron:
                cron.Trigger();
                break;
            default:
                throw new ActionException($"Worker '{worker.Name}' is a {worker.GetInfo().Type} worker: only interval, event and cron workers can be triggered.");
        }

        return $"Worker '{worker.Name}' triggered.";
    }

    private static string Start(BackgroundWorker worker, TaskSupervisor supervisor)
    {
        try
        {
            return worker.Start(supervisor) ? $"Worker '{worker.Name}' started." : $"Worker '{worker.Name}' was already active.";
        }
        catch (InvalidOperationException error)
        {
            throw new ActionException(error.Message); // still stopping, or the supervisor is stopping
        }
    }

    private static string Stop(BackgroundWorker worker)
    {
        if (!worker.IsActive)
        {
            return $"Worker '{worker.Name}' was already stopped.";
        }

        worker.Stop(wait: false); // the request does not wait for a drain
        return $"Worker '{worker.Name}' is stopping.";
    }

    /// <summary>A request the dashboard refuses: its message names the field that was wrong. Private: it never leaves
    /// <see cref="Act"/>, which turns it into the 400's text.</summary>
#pragma warning disable CA1032, CA1064 // Never thrown past this class; only the message constructor is meaningful.
    private sealed class ActionException(string message) : Exception(message);
#pragma warning restore CA1032, CA1064
}
