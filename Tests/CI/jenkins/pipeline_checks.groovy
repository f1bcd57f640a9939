// Type-checking extension for the step: a method the step calls on itself must exist (on the
// stubs or the step); anything called on untyped data (maps from readJSON) is left dynamic.
methodNotFound { receiver, name, argList, argTypes, call ->
    if (receiver.name in ['PipelineStubs', 'ecrPublish'] || call.implicitThis) {
        return null  // stays a compile error: an unknown pipeline step
    }
    makeDynamic(call)
}
unresolvedProperty { expression -> makeDynamic(expression) }
unresolvedVariable { variable -> null }
