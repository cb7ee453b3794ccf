using Microsoft.CodeAnalysis;

namespace Atasker.Generators.Validation;

/// <summary>
/// Every diagnostic Atasker reports. The analyzers report them; the generator runs the same checks and silently skips
/// a method with an error, so a mistake shows as one clear ATSK message instead of broken generated code.
/// </summary>
internal static class DiagnosticDescriptors
{
    public const string HelpLinkBase = "https://github.com/atasker/atasker-dotnet/blob/main/docs/diagnostics/";

    private const string Usage = "Atasker.Usage";

    public static readonly DiagnosticDescriptor MethodNotPartial = Error(
        "ATSK0001",
        "Background method must be partial",
        "Method '{0}' has [{1}] but is not partial; declare it 'partial' so Atasker can generate {2}");

    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Error(
        "ATSK0002",
        "Type containing a background method must be partial",
        "Type '{0}' contains [{1}] method '{2}' but is not partial; declare it, and every type around it, 'partial'");

    public static readonly DiagnosticDescriptor NoImplementation = Error(
        "ATSK0003",
        "Background method has no body",
        "Partial method '{0}' has [{1}] but no implementation; write its body (Atasker generates only the declaration and the launcher)");

    public static readonly DiagnosticDescriptor AsyncVoid = Error(
        "ATSK0004",
        "Background method must not be async void",
        "Method '{0}' is 'async void', so nobody can observe when it ends or how it fails; return 'Task' instead");

    public static readonly DiagnosticDescriptor ByRefParameter = Error(
        "ATSK0005",
        "Background method parameter is passed by reference",
        "Parameter '{0}' of [{1}] method '{2}' is '{3}'; a background task outlives the call, so its parameters must be passed by value");

    public static readonly DiagnosticDescriptor UnsupportedParameterType = Error(
        "ATSK0006",
        "Background method parameter cannot be kept until the task runs",
        "Parameter '{0}' of [{1}] method '{2}' has type '{3}', which cannot be stored until the task runs; pointers, ref structs (such as Span<T>) and __arglist are not supported, pass an array or a Memory<T> instead");

    public static readonly DiagnosticDescriptor GeneratedNameCollision = Error(
        "ATSK0008",
        "Generated member collides with an existing member",
        "[{0}] method '{1}' generates '{2}', but type '{3}' already declares '{2}' with the same parameters; rename one of them");

    public static readonly DiagnosticDescriptor InvalidTaskDelay = Error(
        "ATSK0009",
        "Invalid task delay",
        "The Delay of [BackgroundTask] method '{0}' is {1}; it must be a number of seconds from 0 up to about 49 days");

    public static readonly DiagnosticDescriptor UnsupportedReturnType = Error(
        "ATSK0010",
        "Background method return type cannot be carried by a task handle",
        "[{0}] method '{1}' returns '{2}', which a task handle cannot carry; by-reference returns, pointers and ref structs are not supported");

    public static readonly DiagnosticDescriptor FileLocalContainingType = Error(
        "ATSK0011",
        "Background method in a file-local type",
        "[{0}] method '{1}' is in file-local type '{2}', which cannot be extended from a generated file; remove the 'file' modifier");

    public static readonly DiagnosticDescriptor RefStructInstanceMethod = Error(
        "ATSK0012",
        "Background method is an instance method of a ref struct",
        "[{0}] method '{1}' is an instance method of ref struct '{2}', which cannot be kept until the task runs; make the method static");

    public static readonly DiagnosticDescriptor InvalidPriority = Error(
        "ATSK0013",
        "Invalid priority",
        "The Priority of [{0}] method '{1}' is {2}, which is not a TaskPriority value");

    private static DiagnosticDescriptor Error(string id, string title, string message) =>
        new(id, title, message, Usage, DiagnosticSeverity.Error, isEnabledByDefault: true, helpLinkUri: HelpLinkBase + id + ".md");
}
