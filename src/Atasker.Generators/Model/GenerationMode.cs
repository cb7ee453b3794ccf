namespace Atasker.Generators.Model;

/// <summary>What the generator writes for a method.</summary>
internal enum GenerationMode
{
    /// <summary>A valid method: the declaration (when missing) and working launchers.</summary>
    Launchers,

    /// <summary>
    /// A method with an ATSK error: the declaration and launchers that throw. They keep the rest of the compilation
    /// free of errors, because the compiler runs analyzers only on a compilation without errors: the ATSK error is
    /// then the one message the build shows, and calls to the launchers still compile while it is being fixed.
    /// </summary>
    ThrowingLaunchers,

    /// <summary>A valid <c>Kind = Process</c> method: the declaration, launchers that encode the arguments, and the
    /// invoker the worker's dispatcher calls.</summary>
    ProcessLaunchers,

    /// <summary>Only the declaration: the launchers would clash with a member (ATSK0008), or the body's kind has no
    /// launcher in this version.</summary>
    DeclarationOnly,
}
