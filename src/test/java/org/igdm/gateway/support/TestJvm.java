package org.igdm.gateway.support;

/** Which of Surefire's test JVMs this is (pom.xml: {@code forkCount}); 1 when a test runs on its own, in an IDE say. */
final class TestJvm {

    private TestJvm() {
    }

    static int number() {
        return Integer.parseInt(System.getProperty("gateway.test.fork", "1"));
    }
}
