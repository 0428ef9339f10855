package org.igdm.gateway.http;

/** Ends an HTTP exchange early with the given {@link Problem} as the answer. */
public class HttpProblemException extends RuntimeException {

    private final transient Problem problem;

    public HttpProblemException(Problem problem) {
        super(problem.title() + ": " + problem.detail());
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
