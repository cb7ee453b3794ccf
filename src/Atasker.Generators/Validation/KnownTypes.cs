using Microsoft.CodeAnalysis;

namespace Atasker.Generators.Validation;

/// <summary>Recognises the framework and Atasker types by name, without looking them up in the compilation.</summary>
internal static class KnownTypes
{
    public const string BackgroundTaskAttribute = "Atasker.BackgroundTaskAttribute";

    public const string BackgroundWorkerAttribute = "Atasker.BackgroundWorkerAttribute";

    public const string CronWorker = "Atasker.CronWorker";

    public static bool IsWorkerAttribute(INamedTypeSymbol? type) => type?.ToDisplayString() == BackgroundWorkerAttribute;

    /// <summary>TaskKind.Async, TaskKind.Thread and TaskKind.Process as the attribute stores them.</summary>
    public const int AsyncKind = 0;
    public const int ThreadKind = 1;
    public const int ProcessKind = 2;

    public static bool IsCancellationToken(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "CancellationToken", Arity: 0 } named && IsNamespace(named.ContainingNamespace, "System", "Threading");

    public static bool IsTaskOptions(ITypeSymbol type) =>
        type is INamedTypeSymbol { Name: "TaskOptions", Arity: 0 } named && IsNamespace(named.ContainingNamespace, "Atasker");

    /// <summary>Classifies a return type: void, a plain value, or one of the four awaitables.</summary>
    public static MethodShape ShapeOf(IMethodSymbol method)
    {
        if (method.ReturnsVoid)
        {
            return MethodShape.Void;
        }

        if (method.ReturnType is INamedTypeSymbol named && IsNamespace(named.ContainingNamespace, "System", "Threading", "Tasks"))
        {
            switch (named.Name, named.Arity)
            {
                case ("Task", 0): return MethodShape.Task;
                case ("Task", 1): return MethodShape.TaskOfT;
                case ("ValueTask", 0): return MethodShape.ValueTask;
                case ("ValueTask", 1): return MethodShape.ValueTaskOfT;
            }
        }

        return MethodShape.Value;
    }

    public static bool IsAwaitable(MethodShape shape) => shape is not (MethodShape.Void or MethodShape.Value);

    /// <summary>Whether a value of <paramref name="type"/> can be kept on the heap until a task runs (or after it).</summary>
    public static bool CanBeStored(ITypeSymbol type) =>
        !type.IsRefLikeType && !IsPointer(type);

    public static bool IsPointer(ITypeSymbol type) => type.TypeKind is TypeKind.Pointer or TypeKind.FunctionPointer;

    /// <summary>True when <paramref name="ns"/> is exactly the namespace <paramref name="parts"/> spell.</summary>
    public static bool IsNamespace(INamespaceSymbol? ns, params string[] parts)
    {
        for (int i = parts.Length - 1; i >= 0; i--)
        {
            if (ns is null || ns.Name != parts[i])
            {
                return false;
            }

            ns = ns.ContainingNamespace;
        }

        return ns is { IsGlobalNamespace: true };
    }
}
